import type { Pod, Toleration } from '../../../lib/api/generated/index.js';
import { TAINT_NO_EXECUTE, TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE } from '../../../lib/api/taints.js';
import type { KindHooks } from '../kinds/index.js';

/**
 * Kubernetes' DefaultTolerationSeconds admission: a pod tolerates a not-ready or unreachable node
 * for 300 s before the node lifecycle controller evicts it, unless it says otherwise.
 */
export class DefaultTolerationSeconds implements KindHooks<Pod> {
  constructor(private readonly seconds = 300) {}

  async admit(op: 'create' | 'update', pod: Pod): Promise<void> {
    if (op !== 'create') return;
    const spec = (pod.spec ??= {});
    const tolerations = (spec.tolerations ??= []);
    for (const key of [TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE]) {
      if (tolerates(tolerations, key)) continue;
      tolerations.push({ key, operator: 'Exists', effect: TAINT_NO_EXECUTE, tolerationSeconds: this.seconds });
    }
  }
}

function tolerates(tolerations: Toleration[], key: string): boolean {
  return tolerations.some(
    (t) => (t.key === key || (!t.key && t.operator === 'Exists')) && (!t.effect || t.effect === TAINT_NO_EXECUTE),
  );
}
