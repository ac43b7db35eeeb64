import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type * as t from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { buildKubeconfig } from '../../../lib/kubeconfig.js';
import { aescbcConfigYaml, newAesKey } from '../../../services/apiserver/storage/encryption/config.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import type { RunningApiserver } from '../../../services/apiserver/server.js';
import { configMap, etcdClient, eventually } from './helpers.js';
import { kubectlOk, requireKubectl } from './rest-helpers.js';

// Secrets encrypted at rest: what etcd holds is aescbc ciphertext behind Kubernetes' prefix, what
// clients read (get, list, watch, kubectl) is the Secret; keys rotate by restarting the apiserver
// with the new key first and rewriting every Secret (kubectl get | kubectl replace).

const MARKER = 'hunter2-plaintext-marker';
const key1 = newAesKey('key1');
const key2 = newAesKey('key2');

let dir: string;
let cp: ControlPlane;
let server: RunningApiserver;
let client: ApiClient;
let etcd: Etcd3;

function configFile(name: string, yaml: string): string {
  const path = join(dir, name);
  writeFileSync(path, yaml, { mode: 0o600 });
  return path;
}

/** Stops the running apiserver and starts one with another encryption config, as an operator restarts it. */
async function restartWith(config: string): Promise<void> {
  client.close();
  await server.stop();
  server = await cp.addApiserver({ encryptionProviderConfig: config });
  client = cp.client([server.address]);
}

const secret = (name: string, namespace = 'default'): t.Secret => ({ metadata: { name, namespace }, data: { password: Buffer.from(MARKER) } });
const raw = async (key: string): Promise<Buffer> => (await etcd.get(key).buffer())!;
const password = (s: t.Secret): string => Buffer.from(s.data!.password as Uint8Array).toString();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubets-encryption-'));
  cp = await startControlPlane({ apiserver: { encryptionProviderConfig: configFile('key1.yaml', aescbcConfigYaml([key1])) } });
  server = cp.apiservers[0]!;
  client = cp.client([server.address]);
  etcd = etcdClient(cp);
});

afterAll(async () => {
  etcd?.close();
  await cp?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('Secrets encrypted at rest', () => {
  it('stores a Secret as aescbc ciphertext and serves it decrypted through get, list and watch', async () => {
    const secrets = client.resource('secret');
    const abort = new AbortController();
    const seen: t.Secret[] = [];
    const watching = (async () => {
      for await (const ev of secrets.watch('default', { signal: abort.signal })) if (ev.type === 'ADDED') seen.push(ev.object);
    })().catch(() => undefined);
    const created = await secrets.create(secret('db'));

    const stored = await raw('/registry/secrets/default/db');
    expect(stored.subarray(0, 'k8s:enc:aescbc:v1:key1:'.length).toString()).toBe('k8s:enc:aescbc:v1:key1:');
    expect(stored.includes(Buffer.from(MARKER))).toBe(false);
    expect(stored.includes(Buffer.from(MARKER).toString('base64'))).toBe(false);

    expect(password(await secrets.get('default', 'db'))).toBe(MARKER);
    expect((await secrets.list('default')).items.map(password)).toEqual([MARKER]);
    await eventually(async () => seen.length > 0);
    expect(password(seen[0]!)).toBe(MARKER);
    expect(seen[0]!.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
    abort.abort();
    await watching;
  });

  it('leaves resources the config does not name in plaintext', async () => {
    await client.resource('configMap').create(configMap('plain', 'default', undefined, { note: MARKER }));
    expect((await raw('/registry/configmaps/default/plain')).includes(Buffer.from(MARKER))).toBe(true);
  });

  it('rotates keys: new key first, every Secret rewritten with kubectl, old key removed', async () => {
    requireKubectl();
    await client.resource('secret').create(secret('api', 'kube-system'));
    await restartWith(configFile('key2-first.yaml', aescbcConfigYaml([key2, key1])));
    // Still readable with the old key, and an unchanged update rewrites it (it was stale).
    expect(password(await client.resource('secret').get('default', 'db'))).toBe(MARKER);

    const kubeconfig = join(dir, 'admin.kubeconfig');
    writeFileSync(kubeconfig, stringify(buildKubeconfig([{ name: 'test', server: `https://127.0.0.1:${server.restPort}`, caPem: cp.caPem, token: cp.token }])));
    const all = await kubectlOk(kubeconfig, ['get', 'secrets', '-A', '-o', 'json']);
    // kubectl validates a List against the protobuf OpenAPI v2 document, which the HTTP API serves only as JSON.
    const replaced = await kubectlOk(kubeconfig, ['replace', '--validate=false', '-f', '-'], all);
    expect(replaced).toContain('secret/db replaced');
    for (const key of ['/registry/secrets/default/db', '/registry/secrets/kube-system/api']) {
      expect((await raw(key)).subarray(0, 23).toString()).toBe('k8s:enc:aescbc:v1:key2:');
    }

    await restartWith(configFile('key2.yaml', aescbcConfigYaml([key2])));
    expect(password(await client.resource('secret').get('default', 'db'))).toBe(MARKER);
    expect(password(await client.resource('secret').get('kube-system', 'api'))).toBe(MARKER);
  });

  it('says which key a value needs when it is no longer configured, without the value', async () => {
    await etcd.put('/registry/secrets/default/orphan').value(Buffer.concat([Buffer.from('k8s:enc:aescbc:v1:key1:'), Buffer.alloc(32)]));
    const err = await client.resource('secret').get('default', 'orphan').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('encrypted with aescbc key "key1" and cannot be decrypted');
  });
});
