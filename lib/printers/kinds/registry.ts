import type { AnyObject, EnvelopeField, KindTypes, ResourceInfo } from '../../api/resources.js';
import { renderTable, type TableOptions } from '../table.js';
import { cronJobPrinter, jobPrinter } from './batch.js';
import { configMapPrinter, secretPrinter } from './config.js';
import { horizontalPodAutoscalerPrinter, leasePrinter, priorityClassPrinter } from './cluster.js';
import { controllerRevisionPrinter, daemonSetPrinter, statefulSetPrinter } from './daemon-stateful.js';
import { endpointSlicePrinter } from './endpoint-slices.js';
import { endpointsPrinter } from './endpoints.js';
import { eventPrinter } from './events.js';
import { nodeMetricsPrinter, podMetricsPrinter } from './metrics.js';
import { namespacePrinter } from './namespaces.js';
import { ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from './networking.js';
import { serviceAccountPrinter } from './service-accounts.js';
import { nodePrinter } from './nodes.js';
import { podPrinter } from './pods.js';
import { limitRangePrinter, resourceQuotaPrinter } from './quota.js';
import { clusterRoleBindingPrinter, clusterRoleKindPrinter, roleBindingPrinter, roleKindPrinter } from './rbac.js';
import { servicePrinter } from './services.js';
import { persistentVolumeClaimPrinter, persistentVolumePrinter, storageClassPrinter } from './storage.js';
import type { KindPrinter } from './types.js';
import { certificateSigningRequestPrinter } from './certificates.js';
import { podDisruptionBudgetPrinter } from './policy.js';
import { deploymentPrinter, replicaSetPrinter, replicationControllerPrinter } from './workloads.js';

// Typed per envelope field, so a kind added to the registry of resources without a printer
// fails to compile here.
const printers: { [F in EnvelopeField]: KindPrinter<KindTypes[F]> } = {
  pod: podPrinter,
  node: nodePrinter,
  namespace: namespacePrinter,
  service: servicePrinter,
  endpoints: endpointsPrinter,
  replicationController: replicationControllerPrinter,
  replicaSet: replicaSetPrinter,
  deployment: deploymentPrinter,
  configMap: configMapPrinter,
  secret: secretPrinter,
  event: eventPrinter,
  lease: leasePrinter,
  priorityClass: priorityClassPrinter,
  horizontalPodAutoscaler: horizontalPodAutoscalerPrinter,
  persistentVolume: persistentVolumePrinter,
  persistentVolumeClaim: persistentVolumeClaimPrinter,
  endpointSlice: endpointSlicePrinter,
  job: jobPrinter,
  cronJob: cronJobPrinter,
  resourceQuota: resourceQuotaPrinter,
  limitRange: limitRangePrinter,
  role: roleKindPrinter,
  clusterRole: clusterRoleKindPrinter,
  roleBinding: roleBindingPrinter,
  clusterRoleBinding: clusterRoleBindingPrinter,
  daemonSet: daemonSetPrinter,
  statefulSet: statefulSetPrinter,
  controllerRevision: controllerRevisionPrinter,
  ingress: ingressPrinter,
  ingressClass: ingressClassPrinter,
  networkPolicy: networkPolicyPrinter,
  storageClass: storageClassPrinter,
  podMetrics: podMetricsPrinter,
  nodeMetrics: nodeMetricsPrinter,
  serviceAccount: serviceAccountPrinter,
  certificateSigningRequest: certificateSigningRequestPrinter,
  podDisruptionBudget: podDisruptionBudgetPrinter,
};

/** The table printer of a resource's kind. */
export function printerFor(info: ResourceInfo): KindPrinter<AnyObject> {
  return printers[info.field] as KindPrinter<AnyObject>;
}

export interface PrintTableOptions extends Omit<TableOptions, 'withNamespace'> {
  /** --all-namespaces: adds NAMESPACE in front for namespaced kinds (never for cluster-scoped ones). */
  allNamespaces?: boolean;
  /** The clock ages are measured against; defaults to the current time. */
  now?: Date | number;
}

/** `kubectl get` output for objects of one kind; empty for no objects, as kubectl prints no header then. */
export function printTable(info: ResourceInfo, objects: readonly AnyObject[], options: PrintTableOptions = {}): string {
  const printer = printerFor(info);
  const now = options.now ?? Date.now();
  const rows = objects.map((object) => ({
    cells: printer.cells(object, { now }),
    namespace: object.metadata?.namespace ?? '',
    labels: object.metadata?.labels ?? {},
  }));
  const { allNamespaces, now: _now, ...table } = options;
  return renderTable(printer.columns, rows, { ...table, withNamespace: Boolean(allNamespaces) && info.namespaced });
}
