import { describe, expect, it } from 'vitest';
import { resourceByField } from '../../../lib/api/resources.js';
import type { KindHooks } from '../kinds/index.js';
import type { WriteHooks } from '../registry/hooks.js';
import { admissionChain } from './chain.js';

describe('admissionChain', () => {
  it("runs a pod create through kube-apiserver's order: NamespaceLifecycle, LimitRanger, Priority, DefaultTolerationSeconds, PodSecurity, ResourceQuota", async () => {
    const calls: string[] = [];
    const generic = (name: string): WriteHooks => ({
      admit: async () => void calls.push(`${name}.admit`),
      txnForCreate: async () => void calls.push(`${name}.txn`),
    });
    const kind = (name: string): KindHooks<never> => ({
      admit: async () => void calls.push(`${name}.admit`),
      txnForCreate: async () => void calls.push(`${name}.txn`),
    });
    const chain = admissionChain({
      namespaceLifecycle: generic('NamespaceLifecycle'),
      kinds: {
        limitRanger: { pods: kind('LimitRanger'), claims: kind('LimitRanger(claims)') },
        priority: kind('Priority'),
        defaultTolerationSeconds: kind('DefaultTolerationSeconds'),
        serviceAllocation: kind('ServiceAllocation'),
        defaultStorageClass: kind('DefaultStorageClass'),
        serviceAccount: kind('ServiceAccount'),
      },
      resourceQuota: generic('ResourceQuota'),
      podSecurity: generic('PodSecurity'),
    });
    const pods = resourceByField('pod');
    await chain.admit?.(pods, 'create', {});
    await chain.txnForCreate?.(pods, {});
    const order = ['NamespaceLifecycle', 'LimitRanger', 'ServiceAccount', 'Priority', 'DefaultTolerationSeconds', 'PodSecurity', 'ResourceQuota'];
    expect(calls).toEqual([...order.map((n) => `${n}.admit`), ...order.map((n) => `${n}.txn`)]);
  });
});
