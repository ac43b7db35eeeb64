import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromServiceError } from '../../../lib/api/errors.js';
import type { KubeletClient } from '../../../lib/api/generated/kubets/v1/Kubelet.js';
import { packageDefinition } from '../../../lib/api/proto.js';
import { issueClientCert } from '../../../lib/certs/index.js';
import type { Kubelet } from '../../../services/kubelet/kubelet.js';
import { sleep } from '../../harness/poll.js';
import { kubectl, requireKubectl, spawnKubectl, writeKubeconfig } from '../apiserver/rest-helpers.js';
import { BUSYBOX, eventually, execIn, makePod, setUpNode, sh, startKubelet, tearDownNode, waitRunning, type TestNode } from './helpers.js';

// Logs and exec as `kubets logs` / `kubets exec` use them: ApiClient → apiserver → kubelet (mTLS) → Docker.
const NODE = `it-kubelet-streams-${randomBytes(3).toString('hex')}`;
const MIB = 1024 * 1024;
let node: TestNode;
let kubelet: Kubelet;

beforeAll(async () => {
  node = await setUpNode(NODE);
  kubelet = await startKubelet(node);
  await node.client.resource('pod').create(
    makePod('streams', NODE, {
      containers: [
        { name: 'shell', image: BUSYBOX, command: ['sleep', '3600'] },
        { name: 'web', image: BUSYBOX, command: ['sh', '-c', 'mkdir -p /www && echo hello-port-forward > /www/index.html && exec httpd -f -p 8080 -h /www'] },
        // Echoes what arrives on its stdin, which stays open for attach -i.
        { name: 'echo', image: BUSYBOX, command: ['cat'], stdin: true },
        // Prints /tmp/data once it appears, then a line every 200 ms.
        {
          name: 'talker',
          image: BUSYBOX,
          command: ['sh', '-c', 'while [ ! -f /tmp/go ]; do sleep 0.1; done; cat /tmp/data; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.2; done'],
        },
      ],
    }),
  );
  await waitRunning(node.client, 'default', 'streams');
});

afterAll(async () => {
  await kubelet?.stop();
  await tearDownNode(node);
});

describe('logs and exec through the apiserver', () => {
  it('carries 1 MiB through exec -i cat and back unchanged', async () => {
    const pod = await node.client.resource('pod').get('default', 'streams');
    const payload = randomBytes(MIB);
    const result = await execIn(node.client, pod, 'shell', ['cat'], payload);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.length).toBe(MIB);
    expect(result.stdout.equals(payload)).toBe(true);
  });

  it('follows a log carrying 1 MiB and keeps streaming new lines', async () => {
    const { client } = node;
    const pod = await client.resource('pod').get('default', 'streams');
    const text = randomBytes(768 * 1024).toString('base64').replace(/(.{76})/g, '$1\n');
    const data = Buffer.from(`${text}\n`);
    expect(data.length).toBeGreaterThanOrEqual(MIB);
    expect((await execIn(client, pod, 'talker', ['sh', '-c', 'cat > /tmp/data'], data)).exitCode).toBe(0);

    const abort = new AbortController();
    const received: Buffer[] = [];
    let size = 0;
    const following = (async () => {
      for await (const chunk of client.logs({ namespace: 'default', name: 'streams', container: 'talker', follow: true }, { signal: abort.signal })) {
        received.push(chunk);
        size += chunk.length;
        if (Buffer.concat(received).subarray(data.length).toString().includes('tick 3\n')) abort.abort();
      }
    })().catch((err: unknown) => {
      if (!abort.signal.aborted) throw err;
    });
    // The log is empty until /tmp/go exists: everything below arrives through the open stream.
    await sleep(300);
    expect(size).toBe(0);
    await sh(client, pod, 'talker', 'touch /tmp/go');
    await Promise.race([following, sleep(30_000).then(() => abort.abort())]);
    const all = Buffer.concat(received);
    expect(all.subarray(0, data.length).equals(data)).toBe(true);
    expect(all.subarray(data.length).toString()).toMatch(/^tick 0\ntick 1\ntick 2\ntick 3\n/);

    const tail: Buffer[] = [];
    for await (const chunk of client.logs({ namespace: 'default', name: 'streams', container: 'talker', tailLines: 2 })) tail.push(chunk);
    expect(Buffer.concat(tail).toString()).toMatch(/^tick \d+\ntick \d+\n$/);

    const stamped: Buffer[] = [];
    for await (const chunk of client.logs({ namespace: 'default', name: 'streams', container: 'talker', tailLines: 1, timestamps: true })) stamped.push(chunk);
    expect(Buffer.concat(stamped).toString()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z tick \d+\n$/);
  });

  it('separates stdout from stderr and returns the exit code', async () => {
    const pod = await node.client.resource('pod').get('default', 'streams');
    const result = await execIn(node.client, pod, 'shell', ['sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(result).toMatchObject({ exitCode: 7, stderr: 'err\n' });
    expect(result.stdout.toString()).toBe('out\n');
  });

  it('runs a TTY session that follows resizes', async () => {
    const session = await node.client.exec({ namespace: 'default', name: 'streams', container: 'shell', command: ['sh', '-c', 'sleep 1; stty size'], tty: true });
    const out: Buffer[] = [];
    session.stdout.on('data', (c: Buffer) => out.push(c));
    session.resize(120, 40);
    expect(await session.exitCode).toBe(0);
    expect(Buffer.concat(out).toString().trim()).toBe('40 120');
  });

  it('answers with kubectl wording for a missing container name or a container that does not exist', async () => {
    const collect = async (container?: string) => {
      for await (const _ of node.client.logs({ namespace: 'default', name: 'streams', ...(container ? { container } : {}) })) {
        // drain
      }
    };
    await expect(collect()).rejects.toThrow('a container name must be specified for pod streams, choose one of: [shell web echo talker]');
    await expect(collect('nope')).rejects.toThrow('container nope is not valid for pod streams');
  });

  it('serves only the apiserver: other CA-signed clients are forbidden, clients without a certificate are refused', async () => {
    const pki = join(node.cp.dataDir, 'pki');
    const ca = { certPem: await readFile(join(pki, 'ca.crt'), 'utf8'), keyPem: await readFile(join(pki, 'ca.key'), 'utf8') };
    const Kubelet = grpc.makeClientConstructor(packageDefinition['kubets.v1.Kubelet'] as grpc.ServiceDefinition, 'Kubelet') as unknown as new (
      address: string,
      creds: grpc.ChannelCredentials,
    ) => KubeletClient;
    const logs = (client: KubeletClient) =>
      new Promise<void>((resolve, reject) => {
        const call = client.Logs({ namespace: 'default', name: 'streams', container: 'shell' }, { deadline: Date.now() + 5_000 });
        call.on('data', () => undefined);
        call.on('end', resolve);
        call.on('error', (err) => reject(fromServiceError(err)));
      });
    const address = `127.0.0.1:${kubelet.port}`;

    const other = await issueClientCert(ca, { commonName: 'system:node:intruder' });
    const intruder = new Kubelet(address, grpc.credentials.createSsl(Buffer.from(ca.certPem), Buffer.from(other.keyPem), Buffer.from(other.certPem)));
    await expect(logs(intruder)).rejects.toMatchObject({ reason: 'Forbidden' });
    intruder.close();

    const anonymous = new Kubelet(address, grpc.credentials.createSsl(Buffer.from(ca.certPem)));
    await expect(logs(anonymous)).rejects.toMatchObject({ reason: expect.stringMatching(/ServiceUnavailable|Timeout/) });
    anonymous.close();

    // The apiserver's own identity gets through.
    const apiserverId = {
      certPem: await readFile(join(pki, 'apiserver-kubelet-client.crt')),
      keyPem: await readFile(join(pki, 'apiserver-kubelet-client.key')),
    };
    const apiserver = new Kubelet(address, grpc.credentials.createSsl(Buffer.from(ca.certPem), apiserverId.keyPem, apiserverId.certPem));
    await eventually('logs as the apiserver', () => logs(apiserver).then(() => true));
    apiserver.close();
  });
});

describe('port-forward through the apiserver', () => {
  async function request(port: number, text: string): Promise<string> {
    const stream = await node.client.portForward({ namespace: 'default', name: 'streams', port });
    stream.end(text);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString();
  }

  it('carries an HTTP exchange to a port of the pod and back', async () => {
    const response = await eventually('httpd to answer through port-forward', () => request(8080, 'GET /index.html HTTP/1.0\r\n\r\n').catch(() => undefined));
    expect(response).toMatch(/^HTTP\/1\.[01] 200 OK/);
    expect(response).toContain('hello-port-forward');
  });

  it('fails with the reason when nothing listens on the port', async () => {
    await expect(request(9, 'x')).rejects.toThrow(/error forwarding port 9 to pod streams: connect ECONNREFUSED/);
  });
});

describe('attach through the apiserver', () => {
  it("passes stdin to a container's main process and streams its output", async () => {
    const abort = new AbortController();
    const input = new PassThrough();
    const session = await node.client.attach({ namespace: 'default', name: 'streams', container: 'echo', stdin: true }, { stdin: input, signal: abort.signal });
    let output = '';
    session.stdout.on('data', (d: Buffer) => (output += d.toString()));
    input.write('hello through attach\n');
    await eventually('the echo to come back', () => output.includes('hello through attach'));
    abort.abort();
    await expect(session.exitCode).rejects.toThrow();
  });
});

describe('kubectl exec and attach over WebSocket', () => {
  it('runs a command with stdin, separate stderr and the exit code, as kubectl 1.32 does it', async () => {
    requireKubectl();
    const kubeconfig = writeKubeconfig(node.cp, 'streams');
    const echoed = await kubectl(kubeconfig, ['exec', '-i', 'streams', '-c', 'shell', '--', 'cat'], 'through the HTTP API\n');
    expect(echoed).toMatchObject({ code: 0, stdout: 'through the HTTP API\n' });
    const failed = await kubectl(kubeconfig, ['exec', 'streams', '-c', 'shell', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(failed.code).toBe(3);
    expect(failed.stdout).toBe('out\n');
    expect(failed.stderr).toContain('err\n');
    expect(failed.stderr).toContain('command terminated with exit code 3');
  });

  it('attaches to the main process of a container', async () => {
    requireKubectl();
    const kubeconfig = writeKubeconfig(node.cp, 'streams-attach');
    const child = spawnKubectl(kubeconfig, ['attach', '-i', 'streams', '-c', 'echo']);
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stdin.write('hello through kubectl attach\n');
    try {
      await eventually('the echo through kubectl attach', () => output.includes('hello through kubectl attach'));
    } finally {
      child.kill();
    }
  });

  it('refuses a missing pod and an upgrade to anything but exec or attach', async () => {
    requireKubectl();
    const kubeconfig = writeKubeconfig(node.cp, 'streams-errors');
    expect((await kubectl(kubeconfig, ['exec', 'nope', '--', 'true'])).stderr).toContain('pods "nope" not found');
  });
});
