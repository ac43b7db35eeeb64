// The values each protobuf integer type can carry here. protobufjs wraps an int32 silently
// (4294967299 becomes 3) and decodes 64-bit integers to JavaScript numbers, which are exact only up
// to 2^53 - 1; so every integer is checked against these bounds where it enters (JSON manifests and
// patches, protobuf off the wire) and refused with a field path instead of being changed.

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

interface IntegerRange {
  min: bigint;
  max: bigint;
  /** The same bounds as numbers (all within 2^53), so a number is checked without a BigInt per value. */
  minNumber: number;
  maxNumber: number;
  rule: string;
}

function integerRange(min: bigint, max: bigint, rule: string): IntegerRange {
  return { min, max, minNumber: Number(min), maxNumber: Number(max), rule };
}

const INT32 = integerRange(-(2n ** 31n), 2n ** 31n - 1n, 'must be a 32-bit integer');
const UINT32 = integerRange(0n, 2n ** 32n - 1n, 'must be an unsigned 32-bit integer');
const INT64 = integerRange(-MAX_EXACT, MAX_EXACT, `must be an integer between ${-Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`);
const UINT64 = integerRange(0n, MAX_EXACT, `must be an integer between 0 and ${Number.MAX_SAFE_INTEGER}`);

const RANGES: Record<string, IntegerRange> = {
  int32: INT32,
  sint32: INT32,
  sfixed32: INT32,
  uint32: UINT32,
  fixed32: UINT32,
  int64: INT64,
  sint64: INT64,
  sfixed64: INT64,
  uint64: UINT64,
  fixed64: UINT64,
};

/** Whether a protobuf scalar type is an integer type. */
export function isIntegerType(type: string): boolean {
  return type in RANGES;
}

/**
 * Why a value does not fit a protobuf integer type (`must be a 32-bit integer`), or undefined when
 * it fits. Non-integers (1.5, NaN, Infinity) never fit.
 */
export function integerRangeProblem(type: string, value: number | bigint): string | undefined {
  const range = RANGES[type];
  if (!range) return undefined;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'must be an integer';
    // Beyond 2^53 a number is already rounded: it cannot be the integer that was written.
    if (!Number.isSafeInteger(value)) return range.rule;
    return value < range.minNumber || value > range.maxNumber ? range.rule : undefined;
  }
  return value < range.min || value > range.max ? range.rule : undefined;
}
