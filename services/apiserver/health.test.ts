import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { healthHandlers, healthProbe } from './health.js';
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
    const handlers = healthHandlers(healthProbe(new MemoryStore(), () => ready));
    expect(await check(handlers, 'livez')).toBe('SERVING');
    expect(await check(handlers, 'readyz')).toBe('NOT_SERVING');
    ready = true;
    expect(await check(handlers, 'readyz')).toBe('SERVING');
    expect(await check(handlers, 'other')).toBe('SERVICE_UNKNOWN');
  });

  it('does not serve when storage does not answer', async () => {
    const store = new MemoryStore();
    await store.close();
    expect(await check(healthHandlers(healthProbe(store, () => true)), '')).toBe('NOT_SERVING');
  });
});
