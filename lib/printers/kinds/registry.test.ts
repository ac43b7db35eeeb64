import { describe, expect, it } from 'vitest';
import type { Pod } from '../../api/generated/index.js';
import { resourceByName, resources } from '../../api/resources.js';
import { printTable, printerFor } from './registry.js';

const now = Date.parse('2024-05-10T12:00:00Z');
const pods = resourceByName('pods')!;

const pod = (namespace: string, name: string, labels: Record<string, string>): Pod => ({
  metadata: { namespace, name, labels, creationTimestamp: '2024-05-10T11:59:00Z' },
  spec: { containers: [{ name: 'c' }] },
  status: { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: {} } }] },
});
const list = [pod('default', 'mysql-x7k2p', { app: 'mysql' }), pod('kube-system', 'coredns-1', { 'k8s-app': 'kube-dns', tier: 'dns' })];

describe('printTable', () => {
  it('prints a namespaced kind with a leading NAMESPACE column for --all-namespaces', () => {
    expect(printTable(pods, list, { now, allNamespaces: true })).toBe(
      [
        'NAMESPACE     NAME          READY   STATUS    RESTARTS   AGE',
        'default       mysql-x7k2p   1/1     Running   0          60s',
        'kube-system   coredns-1     1/1     Running   0          60s',
        '',
      ].join('\n'),
    );
  });

  it('appends LABELS for --show-labels and drops the header for --no-headers', () => {
    expect(printTable(pods, list, { now, showLabels: true, noHeaders: true })).toBe(
      ['mysql-x7k2p   1/1   Running   0     60s   app=mysql', 'coredns-1     1/1   Running   0     60s   k8s-app=kube-dns,tier=dns', ''].join('\n'),
    );
  });

  it('prints nothing for an empty list', () => {
    expect(printTable(pods, [], { now })).toBe('');
  });

  it.each(resources.map((r) => [r.resource, r] as const))('has a printer for %s whose cells match its columns', (_name, info) => {
    const printer = printerFor(info);
    expect(printer.cells({ metadata: { name: 'x' } }, { now })).toHaveLength(printer.columns.length);
  });
});
