import { secondsSince } from '../../../lib/metrics/index.js';
import { recordListing, runtimeOperationDuration, runtimeOperationErrors, runtimeOperations } from '../metrics.js';
import type { ContainerRuntime } from './types.js';

/**
 * The runtime with every call counted and timed (kubelet_runtime_operations_*), by the call's
 * name in snake case as Kubernetes names CRI calls; each pod listing also sets the running pods
 * and containers gauges. A wrapper, so Docker and the hollow runtime are measured alike.
 */
export function instrumentRuntime(runtime: ContainerRuntime): ContainerRuntime {
  async function timed<T>(operation: string, call: () => Promise<T>): Promise<T> {
    const start = process.hrtime.bigint();
    runtimeOperations.inc({ operation_type: operation });
    try {
      return await call();
    } catch (err) {
      runtimeOperationErrors.inc({ operation_type: operation });
      throw err;
    } finally {
      runtimeOperationDuration.observe({ operation_type: operation }, secondsSince(start));
    }
  }
  return {
    version: () => timed('version', () => runtime.version()),
    listPods: () =>
      timed('list_pods', async () => {
        const pods = await runtime.listPods();
        recordListing(pods);
        return pods;
      }),
    getPodStatus: (pod) => timed('pod_status', () => runtime.getPodStatus(pod)),
    syncPod: (pod, status, context) => timed('sync_pod', () => runtime.syncPod(pod, status, context)),
    killPod: (pod, grace, events) => timed('kill_pod', () => runtime.killPod(pod, grace, events)),
    removePod: (uid) => timed('remove_pod', () => runtime.removePod(uid)),
    logs: (id, options) => timed('container_logs', () => runtime.logs(id, options)),
    exec: (id, command, options) => timed('exec', () => runtime.exec(id, command, options)),
    attach: (id, options) => timed('attach', () => runtime.attach(id, options)),
    runInContainer: (id, command, timeoutMs) => timed('exec_sync', () => runtime.runInContainer(id, command, timeoutMs)),
  };
}
