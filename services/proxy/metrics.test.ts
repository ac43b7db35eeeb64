import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { startMetricsServer, type RunningMetricsServer } from '../../lib/metrics/index.js';
import { parsePrometheusText, sumOf } from '../../test/harness/prometheus-text.js';
import { FakeIptables } from './iptables/fake-iptables.js';
import { IptablesProxier } from './iptables/proxier.js';
import { countRules, timeSync } from './metrics.js';

const log = pino({ level: 'silent' });
const ports = [
  { namespace: 'default', name: 'web', portName: '', protocol: 'TCP' as const, clusterIP: '10.96.0.30', port: 80, nodePort: 30080, clientIPAffinity: false, endpoints: [{ ip: '172.17.0.3', port: 8080 }] },
];

describe('proxy metrics endpoint', () => {
  let server: RunningMetricsServer | undefined;
  afterEach(async () => {
    await server?.close();
  });

  it('counts the rules per table of iptables-restore input', () => {
    expect(countRules('*filter\n:KUBE-X - [0:0]\n-A KUBE-X -j REJECT\nCOMMIT\n*nat\n-A A -j B\n-A B -j C\n-X OLD\nCOMMIT\n')).toEqual({ filter: 1, nat: 2 });
  });

  it('serves the duration, time and rule counts of syncs after a pass against fake iptables', async () => {
    const ipt = new FakeIptables();
    const proxier = new IptablesProxier({ runner: ipt, serviceCidr: '10.96.0.0/12', nodePortAddresses: ['127.0.0.1'], log });
    const before = Date.now() / 1000;
    await timeSync(() => proxier.sync(ports));
    server = await startMetricsServer({ bindAddress: '127.0.0.1', port: 0, log });
    const scrape = async () => parsePrometheusText(await (await fetch(`http://${server!.address}/metrics`)).text());
    let families = await scrape();
    const written = countRules(ipt.restores.at(-1)!);
    expect(written.nat).toBeGreaterThan(0);
    expect(sumOf(families, 'kubeproxy_sync_proxy_rules_iptables_total', { table: 'nat' })).toBe(written.nat);
    expect(sumOf(families, 'kubeproxy_sync_proxy_rules_iptables_total', { table: 'filter' })).toBe(written.filter);
    expect(sumOf(families, 'kubeproxy_sync_proxy_rules_duration_seconds_count')).toBe(1);
    const last = sumOf(families, 'kubeproxy_sync_proxy_rules_last_timestamp_seconds');
    expect(last).toBeGreaterThanOrEqual(Math.floor(before));

    // A failed sync is timed but leaves the last successful time alone.
    await expect(timeSync(() => Promise.reject(new Error('iptables-restore failed')))).rejects.toThrow('iptables-restore failed');
    families = await scrape();
    expect(sumOf(families, 'kubeproxy_sync_proxy_rules_duration_seconds_count')).toBe(2);
    expect(sumOf(families, 'kubeproxy_sync_proxy_rules_last_timestamp_seconds')).toBe(last);
  });
});
