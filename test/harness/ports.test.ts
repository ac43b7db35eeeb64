import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { METRICS_PORT_OFFSETS } from '../../cli/up/metrics-ports.js';
import { freeApiserverPort, freeKubeletPort, freePort } from './ports.js';

const listenOn = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

describe('freeKubeletPort', () => {
  it('gives a port whose metrics ports (as kubets up derives them) are free too', async () => {
    const port = await freeKubeletPort();
    for (const offset of [0, ...Object.values(METRICS_PORT_OFFSETS)]) expect(await listenOn(port + offset), `port ${port + offset}`).toBe(true);
  });
});

describe('freePort', () => {
  it('gives a port below the ephemeral range, which no outgoing connection can take before the caller listens', async () => {
    const firstEphemeral = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      expect(port).toBeLessThan(firstEphemeral);
      expect(await listenOn(port)).toBe(true);
    }
  });
});

describe('freeApiserverPort', () => {
  it("gives a port whose next one, the apiserver's HTTP API, is free too", async () => {
    const port = await freeApiserverPort();
    for (const p of [port, port + 1]) expect(await listenOn(p), `port ${p}`).toBe(true);
  });
});
