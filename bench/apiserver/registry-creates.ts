import { loadavg } from 'node:os';
import { pino } from 'pino';
import type { Event, Pod } from '../../lib/api/generated/index.js';
import { resourceByName } from '../../lib/api/resources.js';
import { Registry } from '../../services/apiserver/registry/registry.js';
import { newRequestScope } from '../../services/apiserver/request-scope.js';
import { MemoryStore } from '../../services/apiserver/storage/testing/memory-store.js';
import { printResult } from '../harness/report.js';

// The apiserver's create path alone, in this process: what Registry.create costs for the pod and
// the `Scheduled` Event of the scheduler bench (strategy, defaults, validation, managedFields,
// copies, storage encoding) over the in-memory store, without gRPC, etcd or admission. CPU time of
// this one process, so the machine's load changes it less than it changes wall-clock figures.

const WARM = 3000;
const TOTAL = Number(process.env.BENCH_REGISTRY_CREATES ?? 10000);

function benchPod(i: number): Pod {
  return {
    metadata: { name: `p-${i}`, namespace: 'default', labels: { app: `app-${i % 50}` } },
    spec: { containers: [{ name: 'c', image: 'kubets/pause:3.9', resources: { requests: { cpu: `${100 + (i % 5) * 100}m`, memory: `${128 * (1 + (i % 4))}Mi` } } }] },
  };
}

function scheduledEvent(i: number): Event {
  return {
    metadata: { name: `p-${i}.${i.toString(16)}`, namespace: 'default' },
    involvedObject: { kind: 'Pod', namespace: 'default', name: `p-${i}`, uid: 'u', apiVersion: 'v1' },
    reason: 'Scheduled',
    message: `Successfully assigned default/p-${i} to node-${i % 1000}`,
    type: 'Normal',
    source: { component: 'default-scheduler' },
    reportingComponent: 'default-scheduler',
    reportingInstance: 'bench',
    action: 'Binding',
    eventTime: new Date().toISOString(),
  };
}

export async function benchRegistryCreates(): Promise<void> {
  const pods = resourceByName('pods')!;
  const events = resourceByName('events')!;
  const registry = new Registry(new MemoryStore(), { changesOnCreate: () => false }, pino({ level: 'silent' }));
  const scope = newRequestScope();
  scope.fieldManager = 'bench';
  const run = async (from: number, to: number): Promise<void> => {
    for (let i = from; i < to; i++) {
      await registry.create(pods, 'default', benchPod(i), { scope });
      await registry.create(events, 'default', scheduledEvent(i), { scope });
    }
  };
  await run(0, WARM);
  const load = loadavg()[0]!;
  const before = process.cpuUsage();
  await run(WARM, WARM + TOTAL);
  const used = process.cpuUsage(before);
  printResult('apiserver-registry-creates', {
    podsWithEvent: TOTAL,
    loadAverage: Number(load.toFixed(1)),
    cpuMicrosecondsPerPodAndEvent: Math.round((used.user + used.system) / TOTAL),
  });
}
