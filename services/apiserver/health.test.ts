import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { healthHandlers, healthMonitor } from './health.js';
import { MemoryStore } from './storage/testing/memory-store.js';

/** One Check call, as grpc-js would make it. */
function check(handlers: grpc.UntypedServiceImplementation, service: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const call = { request: { service } } as grpc.ServerUnaryCall<{ service?: string }, { status: string }>;
    (handlers.Check as grpc.handleUnaryCall<{ service?: string }, { status: string }>)(call, (err, res) => (err ? reject(err) : resolve(res!.status)));
  });
}

describe('health', () => {
  it('serves while storage answers; readyz also waits for the caches', async () => {
    let ready = false;
    const monitor = healthMonitor(new MemoryStore(), () => ready);
    const handlers = healthHandlers(monitor.probe);
    expect(await check(handlers, 'livez')).toBe('SERVING');
    expect(await check(handlers, 'readyz')).toBe('NOT_SERVING');
    ready = true;
    expect(await check(handlers, 'readyz')).toBe('SERVING');
    expect(await check(handlers, 'other')).toBe('SERVICE_UNKNOWN');
    monitor.stop();
  });

  it('does not serve when storage does not answer', async () => {
    const store = new MemoryStore();
    await store.close();
    const monitor = healthMonitor(store, () => true);
    expect(await check(healthHandlers(monitor.probe), '')).toBe('NOT_SERVING');
    monitor.stop();
  });

  it('asks storage in the background, never once per request', async () => {
    const store = new MemoryStore();
    let asked = 0;
    const currentRevision = store.currentRevision.bind(store);
    store.currentRevision = () => {
      asked++;
      return currentRevision();
    };
    const monitor = healthMonitor(store, () => true, 20);
    const handlers = healthHandlers(monitor.probe);
    await Promise.all(Array.from({ length: 200 }, () => check(handlers, 'livez')));
    expect(asked).toBe(1);
    await new Promise((r) => setTimeout(r, 120));
    expect(asked).toBeGreaterThan(1);
    await store.close();
    await new Promise((r) => setTimeout(r, 120));
    expect(await check(handlers, 'livez')).toBe('NOT_SERVING');
    monitor.stop();
  });
});
