import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConfigMap } from '../../lib/api/generated/index.js';
import { resourceByName } from '../../lib/api/resources.js';
import { CLUSTER_INFO_NAME, CLUSTER_INFO_NAMESPACE } from '../../lib/auth/cluster-info.js';
import { bootstrapCluster } from './bootstrap.js';
import { Registry } from './registry/registry.js';
import { MemoryStore } from './storage/testing/memory-store.js';

const log = pino({ level: 'silent' });

describe('bootstrapCluster', () => {
  it('lets the apiservers of an HA set start together: each reconciles cluster-info without failing on the others', async () => {
    const registry = new Registry(new MemoryStore(), {}, log);
    const addresses = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5'];
    await Promise.all(
      addresses.map((ip) =>
        bootstrapCluster(registry, { serviceCidr: '10.96.0.0/12', httpsPort: 6443, log, clusterInfo: { caPem: 'CA', server: `https://${ip}:6443` } }),
      ),
    );
    const info = (await registry.get(resourceByName('configmaps')!, CLUSTER_INFO_NAMESPACE, CLUSTER_INFO_NAME)) as ConfigMap;
    expect(addresses.some((ip) => info.data?.kubeconfig?.includes(`https://${ip}:6443`))).toBe(true);
  });
});
