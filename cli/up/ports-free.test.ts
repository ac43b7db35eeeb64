import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../test/harness/ports.js';
import { ensurePortsFree, PortInUseError } from './ports-free.js';

describe('ensurePortsFree', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

  it('passes free ports and names the first one in use, even when it is held on loopback only', async () => {
    const free = await freePort();
    await expect(ensurePortsFree({ apiserver: free })).resolves.toBeUndefined();
    const taken = await freePort();
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(taken, '127.0.0.1', resolve));
    const err = await ensurePortsFree({ 'etcd client': free, apiserver: taken }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortInUseError);
    expect((err as Error).message).toBe(`port ${taken} (apiserver) is already in use, perhaps by another kubets cluster: stop it with kubets down, or choose other ports (--port, --etcd-port, --kubelet-port)`);
  });
});
