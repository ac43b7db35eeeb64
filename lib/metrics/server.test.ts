import { pino } from 'pino';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePrometheusText, sumOf } from '../../test/harness/prometheus-text.js';
import { processRegistry } from './registry.js';
import { startMetricsServer, type RunningMetricsServer } from './server.js';

const log = pino({ level: 'silent' });

describe('startMetricsServer', () => {
  let server: RunningMetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("serves the process registry with Node's process metrics on loopback", async () => {
    server = await startMetricsServer({ bindAddress: '127.0.0.1', port: 0, log });
    expect(server.address).toBe(`127.0.0.1:${server.port}`);
    const res = await fetch(`http://${server.address}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(processRegistry.contentType);
    const families = parsePrometheusText(await res.text());
    expect(families.get('process_cpu_seconds_total')?.type).toBe('counter');
    expect(sumOf(families, 'process_resident_memory_bytes')).toBeGreaterThan(1024 * 1024);
    expect(sumOf(families, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('serves the registry it is given, and nothing but /metrics and /healthz', async () => {
    const registry = new Registry();
    new Counter({ name: 'fake_passes_total', help: 'Passes.', registers: [registry] }).inc(2);
    server = await startMetricsServer({ bindAddress: '127.0.0.1', port: 0, registry, log });
    const families = parsePrometheusText(await (await fetch(`http://${server.address}/metrics`)).text());
    expect([...families.keys()]).toEqual(['fake_passes_total']);
    expect(sumOf(families, 'fake_passes_total')).toBe(2);
    expect((await fetch(`http://${server.address}/healthz`)).status).toBe(200);
    expect((await fetch(`http://${server.address}/`)).status).toBe(404);
    expect((await fetch(`http://${server.address}/metrics`, { method: 'POST' })).status).toBe(405);
  });

  it('fails to start, naming the cause, when the port is taken', async () => {
    server = await startMetricsServer({ bindAddress: '127.0.0.1', port: 0, registry: new Registry(), log });
    await expect(startMetricsServer({ bindAddress: '127.0.0.1', port: server.port, registry: new Registry(), log })).rejects.toThrow(/EADDRINUSE/);
  });
});
