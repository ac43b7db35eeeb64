import { resources, type AnyObject, type EnvelopeField, type ResourceInfo } from '../../../lib/api/resources.js';
import { strategyFor, type KindHooks, type KindPlugins } from '../kinds/index.js';
import { combineHooks, type WriteHooks } from '../registry/hooks.js';

/** The steps the kind's hooks have, and only those (combineHooks skips the absent ones). */
function forAnyKind(hooks: KindHooks<AnyObject>): WriteHooks {
  const { admit, txnForCreate, txnForUpdate, txnForDelete } = hooks;
  return {
    writeLanes: hooks.serializeWrites ? (info) => [info.resource] : undefined,
    admit: admit && ((_info, op, object, old, scope) => admit.call(hooks, op, object, old, scope)),
    txnForCreate: txnForCreate && ((_info, object) => txnForCreate.call(hooks, object)),
    // A kind's txn hooks are its allocators, which write what they allocate into the object.
    changesOnCreate: txnForCreate && (() => true),
    txnForUpdate: txnForUpdate && ((_info, object, old) => txnForUpdate.call(hooks, object, old)),
    txnForDelete: txnForDelete && ((_info, old) => txnForDelete.call(hooks, old)),
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
    admit: (info, op, object, old, scope) => of(info).admit(info, op, object, old, scope),
    txnForCreate: (info, object) => of(info).txnForCreate(info, object),
    txnForUpdate: (info, object, old) => of(info).txnForUpdate(info, object, old),
    txnForDelete: (info, old) => of(info).txnForDelete(info, old),
    changesOnCreate: (info) => of(info).changesOnCreate(info),
  };
}
