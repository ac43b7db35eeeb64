import { resources, type AnyObject, type EnvelopeField, type ResourceInfo } from '../../../lib/api/resources.js';
import { strategyFor, type KindHooks, type KindPlugins } from '../kinds/index.js';
import { combineHooks, type WriteHooks } from '../registry/hooks.js';

function forAnyKind(hooks: KindHooks<AnyObject>): WriteHooks {
  return {
    writeLanes: (info) => (hooks.serializeWrites ? [info.resource] : []),
    admit: async (_info, op, object, old) => hooks.admit?.(op, object, old),
    txnForCreate: async (_info, object) => hooks.txnForCreate?.(object),
    txnForUpdate: async (_info, object, old) => hooks.txnForUpdate?.(object, old),
    txnForDelete: async (_info, old) => hooks.txnForDelete?.(old),
  };
}

/**
 * The kind-specific admission plugins and allocators as one hook set: each write runs the ones
 * its kind's strategy lists, in that order, and no others.
 */
export function kindHooks(plugins: KindPlugins): WriteHooks {
  const byField = new Map<EnvelopeField, Required<WriteHooks>>();
  for (const info of resources) byField.set(info.field, combineHooks((strategyFor(info).hooks?.(plugins) ?? []).map(forAnyKind)));
  const of = (info: ResourceInfo): Required<WriteHooks> => byField.get(info.field)!;
  return {
    writeLanes: (info, op, object, old) => of(info).writeLanes(info, op, object, old),
    admit: (info, op, object, old) => of(info).admit(info, op, object, old),
    txnForCreate: (info, object) => of(info).txnForCreate(info, object),
    txnForUpdate: (info, object, old) => of(info).txnForUpdate(info, object, old),
    txnForDelete: (info, old) => of(info).txnForDelete(info, old),
  };
}
