import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where each component of a local cluster serves /metrics: Kubernetes' ports around the kubelet's
 * 10250 (kube-proxy 10249, the kubelet's read-only 10255, kube-controller-manager 10257,
 * kube-scheduler 10259; the apiserver's plain loopback endpoint on 10251, kube-scheduler's old
 * insecure port, free since Kubernetes 1.23). They follow --kubelet-port, so a second cluster
 * given another kubelet port gets its own metrics ports too.
 */
export const METRICS_PORT_OFFSETS = { apiserver: 1, scheduler: 9, 'controller-manager': 7, kubelet: 5, proxy: -1 } as const;

export type MetricsComponent = keyof typeof METRICS_PORT_OFFSETS;

export function metricsPortsOf(kubeletPort: number): Record<MetricsComponent, number> {
  const ports = Object.fromEntries(Object.entries(METRICS_PORT_OFFSETS).map(([name, offset]) => [name, kubeletPort + offset])) as Record<MetricsComponent, number>;
  for (const [name, port] of Object.entries(ports)) {
    if (port < 1 || port > 65535) throw new Error(`--kubelet-port ${kubeletPort} leaves no room for the ${name} metrics port (${port}): choose a kubelet port between 2 and 65526`);
  }
  return ports;
}

/** The flags that put a component's metrics on its port, on loopback or the given address. */
export function metricsArgs(port: number, bindAddress = '127.0.0.1'): string[] {
  return ['--metrics-port', String(port), '--metrics-bind-address', bindAddress];
}

/** Writes <data-dir>/metrics.json, the scrape URL of every component that runs, and returns it. */
export async function recordMetricsEndpoints(dataDir: string, endpoints: Record<string, string>): Promise<string> {
  const file = join(dataDir, 'metrics.json');
  await writeFile(file, `${JSON.stringify(endpoints, null, 2)}\n`);
  return file;
}
