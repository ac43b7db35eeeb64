import { createServer, type AddressInfo, type Server } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startEtcd, type EtcdInstance } from './etcd.js';

// The port the next freePort call answers with, whatever else listens there: a port another
// listener took between the check that it was free and etcd's listen.
const taken = vi.hoisted(() => ({ port: 0 }));
vi.mock('./ports.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('./ports.js')>();
  return {
    ...real,
    freePort: async (): Promise<number> => {
      const port = taken.port;
      taken.port = 0;
      return port || real.freePort();
    },
  };
});

function listenAnywhere(): Promise<Server> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => resolve(srv));
  });
}

describe('startEtcd', () => {
  let etcd: EtcdInstance | undefined;
  let other: Server | undefined;
  afterEach(async () => {
    await etcd?.stop();
    other?.close();
  });

  it('starts on other ports when another listener took its client port first', async () => {
    other = await listenAnywhere();
    const port = (other.address() as AddressInfo).port;
    taken.port = port;
    etcd = await startEtcd();
    expect(etcd.endpoint).not.toBe(`http://127.0.0.1:${port}`);
    expect(etcd.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  }, 60_000);
});
