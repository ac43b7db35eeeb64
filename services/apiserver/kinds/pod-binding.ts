import { conflict, uidPreconditionFailed } from '../../../lib/api/errors.js';
import { lookupMessage } from '../../../lib/api/proto.js';
import { resourceByField } from '../../../lib/api/resources.js';
import { join, lengthDelimited, messageOf, stringField, stringOf, wireFields, withFields, type WireField } from '../storage/wire-fields.js';

// A binding changes two fields of a pod that is otherwise as it was created, so it is made on the
// stored bytes: a pod's containers, volumes and managed fields are copied, not decoded, checked
// and encoded again, which was most of the cost of a bind (one per scheduled pod).

export interface PodBinding {
  name: string;
  node: string;
  /** The uid precondition of the binding, if any. */
  uid?: string;
}

const POD_SCHEDULED = 'PodScheduled';

interface FieldIds {
  envelopePod: number;
  metadata: number;
  spec: number;
  status: number;
  uid: number;
  deletionTimestamp: number;
  nodeName: number;
  conditions: number;
  conditionType: number;
}

let ids: FieldIds | undefined;

function fieldIds(): FieldIds {
  if (!ids) {
    const pod = lookupMessage('Pod').fields;
    const meta = lookupMessage('ObjectMeta').fields;
    ids = {
      envelopePod: lookupMessage('Object').fields[resourceByField('pod').field]!.id,
      metadata: pod.metadata!.id,
      spec: pod.spec!.id,
      status: pod.status!.id,
      uid: meta.uid!.id,
      deletionTimestamp: meta.deletionTimestamp!.id,
      nodeName: lookupMessage('PodSpec').fields.nodeName!.id,
      conditions: lookupMessage('PodStatus').fields.conditions!.id,
      conditionType: lookupMessage('Condition').fields.type!.id,
    };
  }
  return ids;
}

/** The True PodScheduled condition at now; binds within one second share it. */
let lastCondition: { now: string; encoded: Buffer } | undefined;

function scheduledCondition(now: string): Buffer {
  if (lastCondition?.now !== now) {
    const encoded = Buffer.from(lookupMessage('Condition').encode({ type: POD_SCHEDULED, status: 'True', lastTransitionTime: now }).finish());
    lastCondition = { now, encoded: join(lengthDelimited(fieldIds().conditions, [encoded])) };
  }
  return lastCondition.encoded;
}

/**
 * A pod as storage holds it (encodeForStorage's bytes) bound to binding.node: spec.nodeName set,
 * its PodScheduled conditions replaced by a True one at now, appended after the others; the rest
 * of the bytes as they were. Refuses, with Kubernetes' Conflicts, a uid precondition the pod does
 * not meet, a pod being deleted and a pod already assigned to a node.
 */
export function bindStoredPod(stored: Buffer, binding: PodBinding, now: string): Buffer {
  const id = fieldIds();
  const envelope = wireFields(stored);
  if (envelope.length !== 1 || envelope[0]!.id !== id.envelopePod) throw new Error('stored value is not one Pod');
  const pod = stored.subarray(envelope[0]!.valueStart);
  const podFields = wireFields(pod);

  const meta = messageOf(pod, podFields, id.metadata);
  const metaFields = wireFields(meta);
  const uid = stringOf(meta, metaFields, id.uid);
  if (binding.uid && binding.uid !== uid) throw uidPreconditionFailed('pods', binding.name, binding.uid, uid);
  if (stringOf(meta, metaFields, id.deletionTimestamp)) throw conflict('pods/binding', binding.name, 'pod is being deleted, cannot be assigned to a host');

  const spec = messageOf(pod, podFields, id.spec);
  const specFields = wireFields(spec);
  const assigned = stringOf(spec, specFields, id.nodeName);
  if (assigned) throw conflict('pods/binding', binding.name, `pod ${binding.name} is already assigned to node "${assigned}"`);
  const boundSpec = withFields(spec, specFields, [{ id: id.nodeName, encoded: stringField(id.nodeName, binding.node) }]);

  const status = messageOf(pod, podFields, id.status);
  const statusFields = wireFields(status);
  const typeOf = (condition: WireField): string => {
    const contents = status.subarray(condition.valueStart, condition.end);
    return stringOf(contents, wireFields(contents), id.conditionType);
  };
  const kept = statusFields.filter((f) => f.id === id.conditions && typeOf(f) !== POD_SCHEDULED).map((f) => status.subarray(f.start, f.end));
  const boundStatus = withFields(status, statusFields, [{ id: id.conditions, encoded: [...kept, scheduledCondition(now)] }]);

  const bound = withFields(pod, podFields, [
    { id: id.spec, encoded: lengthDelimited(id.spec, boundSpec) },
    { id: id.status, encoded: lengthDelimited(id.status, boundStatus) },
  ]);
  return join(lengthDelimited(id.envelopePod, bound));
}
