import type { KindPlugins } from '../kinds/index.js';
import { combineHooks, type WriteHooks } from '../registry/hooks.js';
import { kindHooks } from './kind-hooks.js';

export interface AdmissionPlugins {
  namespaceLifecycle: WriteHooks;
  /** LimitRanger, ServiceAccount, Priority, DefaultTolerationSeconds, DefaultStorageClass and the allocators, for the kinds whose strategies list them. */
  kinds: KindPlugins;
  resourceQuota: WriteHooks;
  podSecurity: WriteHooks;
}

/**
 * The admission chain: the plugins of kube-apiserver's default chain that kubets has, in
 * kube-apiserver's order, one plugin per file of this folder:
 *
 * 1. NamespaceLifecycle (namespace-lifecycle.ts): every namespaced kind.
 * 2. LimitRanger (limit-ranger.ts): pods and claims.
 * 3. ServiceAccount (service-account.ts): pods.
 * 4. Priority (priority.ts): pods.
 * 5. DefaultTolerationSeconds (pod-tolerations.ts): pods.
 * 6. DefaultStorageClass (default-storage-class.ts): claims.
 * 7. PodSecurity (pod-security.ts): pods, pod controllers' templates and namespaces' labels;
 *    after the plugins that change pods, so that it checks the pod that will run.
 * 8. ResourceQuota (resource-quota.ts): every namespaced kind, last, so that it charges the
 *    object as the others left it; its charge commits in the write's own transaction.
 *
 * Plugins 2 to 6 apply to the kinds whose strategies list them (in this order); the kinds'
 * allocators (a Service's ClusterIP and NodePorts) ride along there, and their bitmap writes join
 * the same transaction.
 */
export function admissionChain(plugins: AdmissionPlugins): WriteHooks {
  return combineHooks([plugins.namespaceLifecycle, kindHooks(plugins.kinds), plugins.podSecurity, plugins.resourceQuota]);
}
