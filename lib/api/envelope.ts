import type { Object as Envelope } from './generated/index.js';
import { resourceByField, resources, type AnyObject, type EnvelopeField, type KindTypes, type ResourceInfo } from './resources.js';

export type { Envelope };

const fields = resources.map((r) => r.field);

/** Wraps an object into the one-of envelope that travels on the wire and sits in etcd. */
export function wrap<F extends EnvelopeField>(field: F, object: KindTypes[F]): Envelope {
  return { [field]: object } as Envelope;
}

/** Finds which kind an envelope carries; undefined for an empty envelope. */
function envelopeField(envelope: Envelope | null | undefined): EnvelopeField | undefined {
  if (!envelope) return undefined;
  return fields.find((f) => envelope[f] != null);
}

export function unwrap(envelope: Envelope | null | undefined): { info: ResourceInfo; object: AnyObject } | undefined {
  const field = envelopeField(envelope);
  if (!field || !envelope) return undefined;
  return { info: resourceByField(field), object: envelope[field] as AnyObject };
}

/** Unwraps an envelope that must hold the given kind. */
export function unwrapAs<F extends EnvelopeField>(field: F, envelope: Envelope | null | undefined): KindTypes[F] {
  const object = envelope?.[field];
  if (!object) throw new Error(`expected a ${resourceByField(field).kind} in the response`);
  return object as KindTypes[F];
}
