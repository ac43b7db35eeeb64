import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect, createServer, isIP, type Server } from 'node:net';
import { dirname, join } from 'node:path';
import type Docker from 'dockerode';
import writeFileAtomic from 'write-file-atomic';
import { ensureServingCert, type ClusterFiles } from './cluster-files.js';

/** The label scripts/build-images puts on every local image. */
export const LOCAL_IMAGE_LABEL = 'io.kubets.recipe';

/** Where Docker engines look for the CA of a registry (`<dir>/<host:port>/ca.crt`), read per connection: no engine restart. */
export const DOCKER_CERTS_DIR = '/etc/docker/certs.d';

/** The cluster's image registry: Debian's docker-registry (the CNCF distribution) on a master's node-network address. */
export interface ClusterRegistry {
  /** `ip:port`: the name images carry (`10.250.0.1:5000/app:v1`) and every node's engine pulls from. */
  address: string;
  /** `127.0.0.1:port`: the same registry from this host, where its engine pushes without a proxy in the way. */
  loopback: string;
  configFile: string;
  storageDir: string;
}

/** The registry of the cluster whose files are in `dataDir`; its blobs under it unless `storageDir` says where. */
export function registryAt(dataDir: string, ip: string, port: number, storageDir = join(dataDir, 'registry', 'data')): ClusterRegistry {
  return { address: `${ip}:${port}`, loopback: `127.0.0.1:${port}`, configFile: join(dataDir, 'registry', 'config.yml'), storageDir };
}

/**
 * docker-registry's configuration (JSON is YAML): TLS with a serving certificate from the cluster
 * CA, so every engine trusts it by a file in its certs.d, whether kubets started it or not; the
 * node-network address only; blobs under the data dir; deletes allowed so an operator can prune.
 */
export function registryConfig(registry: ClusterRegistry, tls: { certFile: string; keyFile: string }): string {
  const config = {
    version: 0.1,
    log: { level: 'warn', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: registry.storageDir }, delete: { enabled: true } },
    http: { addr: registry.address, tls: { certificate: tls.certFile, key: tls.keyFile }, headers: { 'X-Content-Type-Options': ['nosniff'] } },
    health: { storagedriver: { enabled: true, interval: '10s', threshold: 3 } },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** `ip:port` of a registry, checked: an IPv4 address (engines reach it by address) and a port. */
export function parseRegistryAddress(address: string): [string, number] {
  const match = /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(address);
  const port = Number(match?.[2]);
  if (!match || isIP(match[1]!) !== 4 || port < 1 || port > 65535) throw new Error(`--registry: expected an IPv4 address and port (10.250.0.1:5000), got "${address}"`);
  return [match[1]!, port];
}

/** Writes the registry's certificate (its address and loopback) and configuration; returns the command that serves it. */
export async function prepareRegistry(files: ClusterFiles, registry: ClusterRegistry): Promise<{ command: string; args: string[] }> {
  const ip = registry.address.slice(0, registry.address.lastIndexOf(':'));
  const tls = await ensureServingCert(files, { commonName: 'kubets-registry', hosts: [ip, '127.0.0.1', 'localhost'] }, 'registry');
  mkdirSync(registry.storageDir, { recursive: true, mode: 0o700 });
  mkdirSync(dirname(registry.configFile), { recursive: true, mode: 0o700 });
  await writeFileAtomic(registry.configFile, registryConfig(registry, tls), { mode: 0o600 });
  return { command: 'docker-registry', args: ['serve', registry.configFile] };
}

/** Lets every Docker engine of this host trust the registry: the cluster CA in certs.d under its address. */
export function trustRegistry(address: string, caPem: string, certsDir = DOCKER_CERTS_DIR): void {
  mkdirSync(join(certsDir, address), { recursive: true });
  writeFileSync(join(certsDir, address, 'ca.crt'), caPem, { mode: 0o644 });
}

export function untrustRegistry(address: string, certsDir = DOCKER_CERTS_DIR): void {
  rmSync(join(certsDir, address), { recursive: true, force: true });
}

/** True when a distribution registry answers /v2/ at `address` with a certificate from this CA. */
export function registryAnswers(address: string, caPem: string): Promise<boolean> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/v2/', ca: caPem, servername: '', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 && res.headers['docker-distribution-api-version'] === 'registry/2.0');
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${address}`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * The registry's loopback door: docker-registry listens on one address, the node network's, and
 * this host's engine (started with a dead proxy that only loopback bypasses) pushes through here.
 * Bytes only: TLS is end to end, the certificate names 127.0.0.1 too.
 */
export function relayLoopback(registry: ClusterRegistry): Promise<Server> {
  const target = registry.address;
  const host = target.slice(0, target.lastIndexOf(':'));
  const port = Number(target.slice(target.lastIndexOf(':') + 1));
  const server = createServer((client) => {
    const upstream = connect({ host, port });
    client.pipe(upstream).pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close);
    upstream.on('error', close);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}

/**
 * The repository a Docker Hub name has on a mirror: Docker asks a `--registry-mirror` for
 * `library/mysql` when it pulls `mysql:5.7`, and for `kubets/pause` when it pulls `kubets/pause:3.9`.
 */
export function mirrorRepository(tag: string): string {
  const colon = tag.lastIndexOf(':');
  const name = colon > tag.lastIndexOf('/') ? tag.slice(0, colon) : tag;
  const version = colon > tag.lastIndexOf('/') ? tag.slice(colon + 1) : 'latest';
  const first = name.split('/')[0]!;
  if (name.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    throw new Error(`image ${tag} names a registry: only Docker Hub names have a mirror path`);
  }
  return `${name.includes('/') ? name : `library/${name}`}:${version}`;
}

/**
 * Pushes this host's local images (scripts/build-images) to the registry under their mirror
 * paths, so every engine with the registry as its mirror finds `kubets/pause:3.9` there. The
 * push tag is removed again: the host keeps only the names it had.
 */
export async function pushLocalImages(docker: Docker, registry: string): Promise<string[]> {
  const images = await docker.listImages({ filters: { label: [LOCAL_IMAGE_LABEL] } });
  const tags = images.flatMap((i) => i.RepoTags ?? []).filter((t) => t !== '<none>:<none>' && !t.startsWith(`${registry}/`));
  for (const tag of tags) {
    const target = `${registry}/${mirrorRepository(tag)}`;
    const colon = target.lastIndexOf(':');
    await docker.getImage(tag).tag({ repo: target.slice(0, colon), tag: target.slice(colon + 1) });
    try {
      // Docker wants an X-Registry-Auth header on every push; the registry asks for no credentials.
      const stream = (await docker.getImage(target).push({ authconfig: { serveraddress: registry } })) as NodeJS.ReadableStream;
      await followToEnd(docker, stream, `push of ${tag} to ${registry}`);
    } finally {
      await docker.getImage(target).remove({ noprune: true });
    }
  }
  return tags;
}

/** Waits for a pull or push stream; Docker reports a failed one as an `error` line in it, not as a stream error. */
export function followToEnd(docker: Docker, stream: NodeJS.ReadableStream, what: string): Promise<void> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, output: Array<{ error?: string }>) => {
      const failed = err?.message ?? output.find((line) => line.error)?.error;
      if (failed) reject(new Error(`${what} failed: ${failed}`));
      else resolve();
    }),
  );
}
