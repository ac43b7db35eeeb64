import type { NodeMetrics, PodMetrics } from '../../api/generated/index.js';
import { cpuMillis, memoryBytes } from '../../quantity.js';
import type { KindPrinter } from './types.js';

// How kubectl top spells usage: CPU in whole millicores, memory in whole mebibytes (both cut down).

const MIB = 1024 * 1024;

/** CPU millicores of a usage quantity ("1234567n" → 2, kubectl rounds up to the next millicore). */
export const usageMillicores = (q: string | undefined): number => (q ? cpuMillis(q) : 0);
export const usageBytes = (q: string | undefined): number => (q ? memoryBytes(q) : 0);

export const formatMillicores = (millis: number): string => `${millis}m`;
export const formatMebibytes = (bytes: number): string => `${Math.floor(bytes / MIB)}Mi`;

/** A pod's usage: the sum of its containers'. */
export function podUsage(pod: PodMetrics): { cpuMillis: number; memoryBytes: number } {
  let cpu = 0;
  let memory = 0;
  for (const c of pod.containers ?? []) {
    cpu += usageMillicores(c.usage?.cpu);
    memory += usageBytes(c.usage?.memory);
  }
  return { cpuMillis: cpu, memoryBytes: memory };
}

export const podMetricsPrinter: KindPrinter<PodMetrics> = {
  columns: [{ name: 'Name' }, { name: 'CPU(cores)' }, { name: 'Memory(bytes)' }, { name: 'Window' }],
  cells(pod: PodMetrics): string[] {
    const usage = podUsage(pod);
    return [pod.metadata?.name ?? '', formatMillicores(usage.cpuMillis), formatMebibytes(usage.memoryBytes), pod.window ?? ''];
  },
};

export const nodeMetricsPrinter: KindPrinter<NodeMetrics> = {
  columns: [{ name: 'Name' }, { name: 'CPU(cores)' }, { name: 'Memory(bytes)' }, { name: 'Window' }],
  cells(node: NodeMetrics): string[] {
    return [node.metadata?.name ?? '', formatMillicores(usageMillicores(node.usage?.cpu)), formatMebibytes(usageBytes(node.usage?.memory)), node.window ?? ''];
  },
};
