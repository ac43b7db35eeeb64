import { once } from 'node:events';
import { connect, createServer, type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../lib/api/generated/index.js';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { freePort } from '../../test/harness/ports.js';
import { pollUntil } from '../wait.js';
import { runVerb } from '../testing/run-verb.js';
import { containerPort, parsePortMapping } from './port-forward.js';

// The fake apiserver forwards a pod's port to 127.0.0.1 at that port, so a local echo server
// stands in for the pod's process.

const api = useFakeApiServer();
let echoPort: number;
let closeEcho: () => void;

beforeEach(async () => {
  const echo = createServer({ allowHalfOpen: true }, (socket) => {
    const chunks: Buffer[] = [];
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => socket.end(`echo:${Buffer.concat(chunks).toString()}`));
  });
  echo.listen(0, '127.0.0.1');
  await once(echo, 'listening');
  echoPort = (echo.address() as AddressInfo).port;
  closeEcho = () => echo.close();
  const pods = api.client.resource('pod');
  const pod: Pod = {
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ name: 'http', containerPort: echoPort }] }] },
  };
  const created = await pods.create(pod);
  await pods.updateStatus({ ...created, status: { phase: 'Running' } });
});

afterEach(() => closeEcho());

async function roundTrip(port: number, text: string): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  await once(socket, 'connect');
  socket.end(text);
  const chunks: Buffer[] = [];
  for await (const chunk of socket) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString();
}

describe('port-forward', () => {
  it('parses port mappings and resolves named and service ports', () => {
    expect(parsePortMapping('8080:80')).toEqual({ local: 8080, remote: 80 });
    expect(parsePortMapping('80')).toEqual({ local: 80, remote: 80 });
    expect(parsePortMapping(':http')).toEqual({ local: 0, remote: 'http' });
    expect(() => parsePortMapping('a:80')).toThrow("Error parsing local port 'a'");
    const pod: Pod = { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }] }] } };
    expect(containerPort(pod, 'http')).toBe(8080);
    expect(containerPort(pod, 80, { metadata: { name: 's' }, spec: { ports: [{ port: 80, targetPort: { strVal: 'http' } }] } })).toBe(8080);
    expect(() => containerPort(pod, 'grpc')).toThrow("Pod 'p' does not have a named port 'grpc'");
  });

  it('forwards each local connection to the pod, both directions and the half-close', async () => {
    const local = await freePort();
    const stop = new AbortController();
    const running = runVerb(['port-forward', 'pod/web', `${local}:http`, '--address=127.0.0.1'], { client: api.client, signal: stop.signal });
    await pollUntil(async () => roundTrip(local, 'ping').then(() => true, () => false), 10_000);
    expect(await roundTrip(local, 'hello')).toBe('echo:hello');
    expect(await roundTrip(local, 'x'.repeat(200_000))).toBe(`echo:${'x'.repeat(200_000)}`);
    stop.abort();
    const result = await running;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Forwarding from 127\\.0\\.0\\.1:${local} -> ${echoPort}\\nHandling connection for ${local}\\n`));
  });

  it('refuses a pod that is not running and a missing port', async () => {
    await api.client.resource('pod').create({ metadata: { name: 'pending', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    expect((await runVerb(['port-forward', 'pending', '8080'], { client: api.client })).stderr).toBe(
      'error: unable to forward port because pod is not running. Current status=Unknown\n',
    );
    expect((await runVerb(['port-forward', 'web'], { client: api.client })).stderr).toBe('error: TYPE/NAME and list of ports are required for port-forward\n');
  });
});
