import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { METRICS_PORT_OFFSETS } from '../../cli/up/metrics-ports.js';
import { freeKubeletPort } from './ports.js';

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
