import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { packageDefinition } from '../../../lib/api/proto.js';
import { issueServingCert } from '../../../lib/certs/certificates.js';
import { pollUntil } from '../../harness/poll.js';
import { freePort } from '../../harness/ports.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { eventually, pod } from './helpers.js';
import { requireKubectl, spawnKubectl, writeKubeconfig } from './rest-helpers.js';

// kubectl port-forward over the HTTP API: SPDY/3.1 streams tunnelled in a WebSocket (kubectl
// 1.32's default) or on a plain SPDY upgrade (its fallback), relayed to a stand-in kubelet whose
// PortForward stream connects to an HTTP server on loopback, as a kubelet connects to the pod.

describe('kubectl port-forward over the HTTP API', () => {
  const f = useControlPlane();
  const kubelet = new grpc.Server();
  let web: Server;
  let webPort = 0;
  let config: string;
  const running: ChildProcessWithoutNullStreams[] = [];
  /** What /flood has written so far: it writes FLOOD_BYTES as fast as the connection takes them. */
  let flooded = 0;
  const FLOOD_BYTES = 64 << 20;

  function flood(res: import('node:http').ServerResponse): void {
    const chunk = Buffer.alloc(64 << 10, 7);
    const pump = (): void => {
      while (flooded < FLOOD_BYTES) {
        flooded += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      res.end();
    };
    pump();
  }

  beforeAll(async () => {
    requireKubectl();
    config = writeKubeconfig(f.cp, 'forward');
    web = createServer((req, res) => {
      if (req.url === '/flood') return flood(res);
      let received = 0;
      req.on('data', (chunk: Buffer) => (received += chunk.length));
      req.on('end', () => res.end(req.url === '/big' ? 'y'.repeat(3_000_000) : `${req.url} received ${received}`));
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    webPort = (web.address() as AddressInfo).port;

    const pki = join(f.cp.dataDir, 'pki');
    const ca = { certPem: readFileSync(join(pki, 'ca.crt'), 'utf8'), keyPem: readFileSync(join(pki, 'ca.key'), 'utf8') };
    const serving = await issueServingCert(ca, { commonName: 'system:node:pf1', hosts: ['127.0.0.1'] });
    kubelet.addService(packageDefinition['kubets.v1.Kubelet'] as grpc.ServiceDefinition, {
      // Port 80 of the pod is the web server; any other port refuses, as a closed port does.
      PortForward: (call: grpc.ServerDuplexStream<t.PortForwardFrame, t.PortForwardFrame>) => {
        call.once('data', (first: t.PortForwardFrame) => {
          const socket = connect({ host: '127.0.0.1', port: first.start?.port === 80 ? webPort : 1, allowHalfOpen: true });
          socket.on('error', (err) => call.emit('error', { code: grpc.status.INVALID_ARGUMENT, details: `error forwarding port ${first.start?.port}: ${err.message}` }));
          socket.on('data', (chunk: Buffer) => {
            if (call.write({ data: chunk })) return;
            socket.pause();
            call.once('drain', () => socket.resume());
          });
          socket.on('end', () => {
            call.write({ close: true });
            call.end();
          });
          call.on('data', (frame: t.PortForwardFrame) => (frame.data ? socket.write(frame.data) : frame.close && socket.end()));
        });
      },
    });
    const creds = grpc.ServerCredentials.createSsl(Buffer.from(ca.certPem), [{ cert_chain: Buffer.from(serving.certPem), private_key: Buffer.from(serving.keyPem) }], false);
    const port = await new Promise<number>((resolve, reject) => kubelet.bindAsync('127.0.0.1:0', creds, (err, p) => (err ? reject(err) : resolve(p))));
    const nodes = f.client.resource('node');
    const node = await nodes.create({ metadata: { name: 'pf1' } });
    await nodes.updateStatus({ ...node, status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: port } } } });
    const pods = f.client.resource('pod');
    await pods.create(pod('served'));
    await f.client.bind('default', { metadata: { name: 'served' }, target: { name: 'pf1' } });
    const bound = await pods.get('default', 'served');
    await pods.updateStatus({ ...bound, status: { ...bound.status, phase: 'Running' } });
  });
  afterEach(() => {
    for (const child of running.splice(0)) child.kill();
  });
  afterAll(async () => {
    kubelet.forceShutdown();
    await new Promise((resolve) => web.close(resolve));
  });

  /** Starts kubectl port-forward and waits until it listens; its stderr is kept for the error cases. */
  async function forward(mapping: string, env: Record<string, string> = {}): Promise<{ local: number; stderr: () => string }> {
    const local = await freePort();
    const child = spawnKubectl(config, ['port-forward', 'pod/served', `${local}:${mapping}`, '--address=127.0.0.1'], env);
    running.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await eventually(async () => stdout.includes(`Forwarding from 127.0.0.1:${local} -> ${mapping}`) || (stderr && Promise.reject(new Error(stderr))), 30_000, 'kubectl listening');
    await eventually(() => listening(local), 30_000, 'the local port accepting');
    return { local, stderr: () => stderr };
  }

  function listening(port: number): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.on('error', () => resolve(false));
    });
  }

  function httpCall(port: number, path: string, body?: Buffer): Promise<string> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method: body ? 'POST' : 'GET', agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve(Buffer.concat(chunks).toString()));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  it('forwards connections through the WebSocket tunnel, megabytes both ways', async () => {
    const { local } = await forward('80');
    expect(await httpCall(local, '/hello')).toBe('/hello received 0');
    expect(await httpCall(local, '/upload', Buffer.alloc(2_000_000, 1))).toBe('/upload received 2000000');
    expect((await httpCall(local, '/big')).length).toBe(3_000_000);
    // Several connections at once, each its own pair of streams.
    const answers = await Promise.all([1, 2, 3, 4].map((i) => httpCall(local, `/c${i}`)));
    expect(answers).toEqual(['/c1 received 0', '/c2 received 0', '/c3 received 0', '/c4 received 0']);
  });

  it('forwards on a plain SPDY upgrade when kubectl is told not to use WebSockets', async () => {
    const { local } = await forward('80', { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
    expect(await httpCall(local, '/upload', Buffer.alloc(500_000, 1))).toBe('/upload received 500000');
  });

  it("passes the kubelet's error on, which kubectl prints", async () => {
    const { local, stderr } = await forward('81');
    await httpCall(local, '/').catch(() => undefined);
    await eventually(async () => stderr().includes('an error occurred forwarding') || undefined, 30_000, 'the error printed');
    expect(stderr()).toMatch(/an error occurred forwarding \d+ -> 81: error forwarding port 81: connect ECONNREFUSED/);
  });

  it('holds the pod back while the local client does not read, then delivers everything', async () => {
    const { local } = await forward('80');
    const socket = connect({ host: '127.0.0.1', port: local });
    socket.pause();
    socket.write('GET /flood HTTP/1.1\r\nHost: pod\r\nConnection: close\r\n\r\n');
    // Wait until the flood stops growing (or is all written): every hop must have pushed back.
    let last = -1;
    let steady = 0;
    await pollUntil(
      () => {
        steady = flooded === last ? steady + 1 : 0;
        last = flooded;
        return steady >= 4 || flooded >= FLOOD_BYTES;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the flood to stop growing' },
    );
    expect(flooded).toBeLessThan(FLOOD_BYTES / 2);
    let received = 0;
    socket.on('data', (d: Buffer) => (received += d.length));
    socket.resume();
    await new Promise((resolve) => socket.on('end', resolve));
    expect(received).toBeGreaterThan(FLOOD_BYTES);
  });
});
