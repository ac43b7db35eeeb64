import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { prometheusConfig, prometheusRules } from './prometheus-config.js';

const PROMTOOL = '/usr/bin/promtool';

const input = {
  discoveryUrl: 'http://127.0.0.1:9091',
  caFile: '/data/pki/ca.crt',
  tokenFile: '/data/prometheus/token',
  kubeletMetricsPort: 10255,
  proxyMetricsPort: 10249,
  rulesFile: '/data/prometheus/rules.yml',
  listenAddress: '172.17.0.1:9090',
  scrapeInterval: '15s',
};

describe('the Prometheus configuration', () => {
  it('discovers every target from the API with its token, and lists none by hand but itself', () => {
    const config = parse(prometheusConfig(input)) as { scrape_configs: { job_name: string; static_configs?: unknown; http_sd_configs?: { url: string }[] }[] };
    const jobs = config.scrape_configs.map((j) => j.job_name);
    expect(jobs).toEqual(['prometheus', 'apiserver', 'kubelet', 'kube-proxy', 'kubernetes-service-endpoints', 'kubernetes-pods']);
    for (const job of config.scrape_configs.slice(1)) {
      expect(job.static_configs).toBeUndefined();
      expect(job.http_sd_configs?.[0]?.url).toMatch(/^http:\/\/127\.0\.0\.1:9091\/targets\/(node|endpoints|pod)$/);
    }
    expect(prometheusConfig(input)).toContain("replacement: $1:10255");
  });

  it('sets every alert\'s for: when asked (tests)', () => {
    const rules = parse(prometheusRules({ alertFor: '5s' })) as { groups: { rules: { alert?: string; for?: string }[] }[] };
    const alerts = rules.groups.flatMap((g) => g.rules).filter((r) => r.alert);
    expect(alerts.map((a) => a.alert)).toEqual(['KubeNodeNotReady', 'KubePodCrashLooping', 'KubeAPIErrorsHigh']);
    expect(alerts.every((a) => a.for === '5s')).toBe(true);
  });

  it.runIf(existsSync(PROMTOOL))("passes Prometheus' own check", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubets-prom-'));
    try {
      const rulesFile = join(dir, 'rules.yml');
      writeFileSync(rulesFile, prometheusRules());
      writeFileSync(join(dir, 'token'), 'x');
      writeFileSync(join(dir, 'ca.crt'), '');
      const configFile = join(dir, 'prometheus.yml');
      writeFileSync(configFile, prometheusConfig({ ...input, rulesFile, tokenFile: join(dir, 'token'), caFile: join(dir, 'ca.crt') }));
      expect(execFileSync(PROMTOOL, ['check', 'config', configFile], { encoding: 'utf8' })).toContain('SUCCESS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
