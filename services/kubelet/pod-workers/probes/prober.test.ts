import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probeTiming, resolvePort, runProbe } from './prober.js';

let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/ok') res.writeHead(200).end('fine');
    else if (req.url === '/moved') res.writeHead(302, { Location: '/ok' }).end();
    else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end(), 2000).unref();
    else res.writeHead(500).end('bad');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const runtime = {
  runInContainer: async (_id: string, command: string[]) =>
    command[0] === 'hang' ? { exitCode: -1, output: '', timedOut: true } : { exitCode: command[0] === 'true' ? 0 : 1, output: 'out', timedOut: false },
};
const target = (container = { name: 'c', ports: [{ name: 'http', containerPort: 0 }] }) => ({ container, containerId: 'id', podIP: '127.0.0.1', runtime });

describe('runProbe', () => {
  it('treats 200-399 as success for httpGet', async () => {
    expect(await runProbe({ httpGet: { path: '/ok', port: { intVal: port } } }, target())).toEqual({ success: true, output: 'fine' });
    expect((await runProbe({ httpGet: { path: '/moved', port: { intVal: port } } }, target())).success).toBe(true);
    expect(await runProbe({ httpGet: { path: '/bad', port: { intVal: port } } }, target())).toEqual({
      success: false,
      output: 'HTTP probe failed with statuscode: 500',
    });
  });

  it('resolves named ports and times out slow servers', async () => {
    const t = target({ name: 'c', ports: [{ name: 'http', containerPort: port }] });
    expect((await runProbe({ httpGet: { path: '/ok', port: { strVal: 'http' } } }, t)).success).toBe(true);
    const slow = await runProbe({ httpGet: { path: '/slow', port: { intVal: port } }, timeoutSeconds: 1 }, t);
    expect(slow.success).toBe(false);
  });

  it('connects for tcpSocket', async () => {
    expect((await runProbe({ tcpSocket: { port: { intVal: port } } }, target())).success).toBe(true);
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await runProbe({ tcpSocket: { port: { intVal: closedPort } } }, target());
    expect(refused.success).toBe(false);
    expect(refused.output).toContain(`dial tcp 127.0.0.1:${closedPort}`);
  });

  it('uses the exit code for exec and reports timeouts', async () => {
    expect(await runProbe({ exec: { command: ['true'] } }, target())).toEqual({ success: true, output: 'out' });
    expect((await runProbe({ exec: { command: ['false'] } }, target())).success).toBe(false);
    expect(await runProbe({ exec: { command: ['hang', 'x'] } }, target())).toEqual({ success: false, output: 'command "hang x" timed out' });
  });

  it('rejects a probe without a handler and unknown port names', async () => {
    await expect(runProbe({}, target())).rejects.toThrow('probe has no handler');
    expect(() => resolvePort({ strVal: 'nope' }, { name: 'c' })).toThrow("couldn't find port: nope in c");
    expect(resolvePort({ strVal: '8080' }, { name: 'c' })).toBe(8080);
  });

  it('applies Kubernetes defaults', () => {
    expect(probeTiming({})).toEqual({ initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
  });
});
