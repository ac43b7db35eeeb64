import type { Pod, Toleration } from '../../../lib/api/generated/index.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { TAINT_NO_EXECUTE, TAINT_NODE_NOT_READY, TAINT_NODE_UNREACHABLE } from '../../../lib/api/taints.js';
import type { WriteHooks } from '../registry/hooks.js';

/**
 * Kubernetes' DefaultTolerationSeconds admission: a pod tolerates a not-ready or unreachable node
 * for 300 s before the node lifecycle controller evicts it, unless it says otherwise.
 */
export class DefaultTolerationSeconds implements WriteHooks {
  constructor(private readonly seconds = 300) {}

  async admit(info: ResourceInfo, op: 'create' | 'update', object: AnyObject): Promise<void> {
    if (info.field !== 'pod' || op !== 'create') return;
    const spec = ((object as Pod).spec ??= {});
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
