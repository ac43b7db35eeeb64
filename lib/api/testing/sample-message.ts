import protobuf from 'protobufjs';
import { resolvedTypeOf } from '../schema-on-demand.js';

// Messages with every field set, of the JavaScript type each field decodes to, for tests that
// compare encodings.

function scalarSample(type: string, seed: number): unknown {
  switch (type) {
    case 'string':
      return `v${seed}-é`;
    case 'bool':
      return seed % 2 === 0;
    case 'bytes':
      return Buffer.from([seed & 0xff, 0, 255]);
    case 'double':
    case 'float':
      return seed + 0.5;
    case 'int64':
    case 'sint64':
      return seed % 3 === 0 ? -seed * 1_000_003 : 2 ** 40 + seed;
    case 'int32':
    case 'sint32':
      return seed % 3 === 0 ? -seed : seed;
    default:
      return seed;
  }
}

/** An object with every field of type set, down to `depth` levels of nested messages. */
export function sampleOf(type: protobuf.Type, depth: number, seed = 1): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  type.fieldsArray.forEach((field, i) => {
    const nested = resolvedTypeOf(field);
    const value = (n: number): unknown => {
      if (nested instanceof protobuf.Type) return depth > 0 ? sampleOf(nested, depth - 1, seed + n) : {};
      if (nested instanceof protobuf.Enum) return Object.values(nested.values)[0];
      return scalarSample(field.type, seed + n);
    };
    if (nested instanceof protobuf.Type && depth <= 0) return;
    if (field.map) out[field.name] = { a: value(i), 'b/c': value(i + 1) };
    else if (field.repeated) out[field.name] = [value(i), value(i + 2)];
    else out[field.name] = value(i);
  });
  return out;
}
