import { describe, expect, it } from 'vitest';
import type { ControllerRevision, DaemonSet, StatefulSet } from '../../api/generated/index.js';
import { resourceByName } from '../../api/resources.js';
import { printTable } from './registry.js';

const now = Date.parse('2024-05-10T12:00:00Z');
const ago = (seconds: number): string => new Date(now - seconds * 1000).toISOString();
const lines = (...rows: string[]): string => [...rows, ''].join('\n');

describe('kubectl get daemonsets', () => {
  const sets: DaemonSet[] = [
    {
      metadata: { name: 'fluentd', creationTimestamp: ago(300) },
      spec: {
        selector: { matchLabels: { app: 'fluentd' } },
        template: { spec: { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'fluentd', image: 'fluentd:v1' }] } },
      },
      status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 1, numberAvailable: 2 },
    },
    { metadata: { name: 'empty', creationTimestamp: ago(60) } },
  ];

  it('prints NAME DESIRED CURRENT READY UP-TO-DATE AVAILABLE NODE SELECTOR AGE', () => {
    expect(printTable(resourceByName('daemonsets')!, sets, { now })).toBe(
      lines(
        'NAME      DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE',
        'fluentd   3         3         2       1            2           disk=ssd        5m',
        'empty     0         0         0       0            0           <none>          60s',
      ),
    );
  });

  it('adds CONTAINERS IMAGES SELECTOR with -o wide', () => {
    expect(printTable(resourceByName('daemonsets')!, sets.slice(0, 1), { now, wide: true })).toBe(
      lines(
        'NAME      DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE   CONTAINERS   IMAGES       SELECTOR',
        'fluentd   3         3         2       1            2           disk=ssd        5m    fluentd      fluentd:v1   app=fluentd',
      ),
    );
  });
});

describe('kubectl get statefulsets', () => {
  const sets: StatefulSet[] = [
    {
      metadata: { name: 'web', creationTimestamp: ago(120) },
      spec: { replicas: 3, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] } } },
      status: { readyReplicas: 2 },
    },
  ];

  it('prints NAME READY AGE, and CONTAINERS IMAGES with -o wide', () => {
    expect(printTable(resourceByName('statefulsets')!, sets, { now })).toBe(lines('NAME   READY   AGE', 'web    2/3     2m'));
    expect(printTable(resourceByName('statefulsets')!, sets, { now, wide: true })).toBe(
      lines('NAME   READY   AGE   CONTAINERS   IMAGES', 'web    2/3     2m    nginx        nginx:1.25'),
    );
  });
});

describe('kubectl get controllerrevisions', () => {
  it('prints NAME CONTROLLER REVISION AGE', () => {
    const revisions: ControllerRevision[] = [
      {
        metadata: { name: 'web-6d4cf56db6', creationTimestamp: ago(120), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true }] },
        revision: 2,
      },
      { metadata: { name: 'orphan-1', creationTimestamp: ago(120) }, revision: 1 },
    ];
    expect(printTable(resourceByName('controllerrevisions')!, revisions, { now })).toBe(
      lines('NAME             CONTROLLER             REVISION   AGE', 'web-6d4cf56db6   statefulset.apps/web   2          2m', 'orphan-1         <none>                 1          2m'),
    );
  });
});
