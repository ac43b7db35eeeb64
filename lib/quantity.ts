/**
 * Kubernetes resource quantities (`resource.Quantity`): `500m`, `1.5Gi`, `1e3`, ...
 *
 * Parsing follows Kubernetes' ParseQuantity exactly, including its leniencies (`1.`, `.5`, and even
 * `-`, `.` or a bare suffix like `Mi` parse as numbers; see the tests). Values never go through
 * floating point: a quantity is held as a whole number of nano-units (Kubernetes rounds every
 * value up to a multiple of 1n anyway), so arithmetic and comparison are exact.
 *
 * Deliberate differences from Kubernetes, all in corners Kubernetes gets wrong or leaves undefined:
 * - `toString()` always prints the canonical form; Kubernetes echoes some non-canonical inputs
 *   verbatim (`+1`, `01`, `1E3`).
 * - `value()`/`milliValue()` return exact bigints rounded away from zero; Kubernetes' int64 results
 *   overflow for huge values and round some negative values towards zero.
 * - Decimal values beyond `E` print with the `E` suffix (`1000E`) where Kubernetes drops the suffix.
 * - Decimal exponents above {@link MAX_DECIMAL_EXPONENT} are rejected instead of allocating
 *   arbitrarily large numbers.
 */

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** The largest power of ten a quantity may carry; bounds the memory a hostile input can cost. */
export const MAX_DECIMAL_EXPONENT = 1000;

export const QUANTITY_FORMAT_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_MESSAGE = "unable to parse quantity's suffix";
export const QUANTITY_RANGE_MESSAGE = `quantity is too large: its decimal exponent must be at most ${MAX_DECIMAL_EXPONENT}`;

export class QuantityError extends Error {
  override readonly name = 'QuantityError';
  constructor(
    message: string,
    /** The text that failed to parse. */
    readonly input: string,
  ) {
    super(message);
  }
}

const DECIMAL_SUFFIXES = new Map<string, number>([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);
const DECIMAL_SUFFIX_BY_EXPONENT = new Map([...DECIMAL_SUFFIXES].map(([s, e]) => [e, s]));
const LARGEST_DECIMAL_SUFFIX_EXPONENT = 18;

const BINARY_SUFFIXES = new Map<string, bigint>([
  ['Ki', 10n],
  ['Mi', 20n],
  ['Gi', 30n],
  ['Ti', 40n],
  ['Pi', 50n],
  ['Ei', 60n],
]);
const BINARY_SUFFIX_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const SUFFIX_CHARS = 'eEinumkKMGTP';
const NANOS_PER_UNIT = 10n ** 9n;
const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);
/** Kubernetes caps binary quantities at the largest int64, whatever the input says. */
const MAX_BINARY_NANOS = MAX_INT64 * NANOS_PER_UNIT;

function pow10(n: number | bigint): bigint {
  return 10n ** BigInt(n);
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** n / 10^k rounded away from zero, without building 10^k when the answer is obviously ±1. */
function divPow10AwayFromZero(n: bigint, k: bigint): bigint {
  if (n === 0n || k === 0n) return n;
  const magnitude = abs(n);
  if (k > BigInt(magnitude.toString().length)) return n < 0n ? -1n : 1n;
  const divisor = pow10(k);
  let q = magnitude / divisor;
  if (magnitude % divisor !== 0n) q += 1n;
  return n < 0n ? -q : q;
}

export class Quantity {
  /** Exact value in units of 10^-9. */
  readonly #nanos: bigint;

  private constructor(
    nanos: bigint,
    /** How the value is printed, remembered from the input like Kubernetes does. */
    readonly format: QuantityFormat,
  ) {
    this.#nanos = nanos;
  }

  /** An exact number of billionths, e.g. `fromNanoValue(1n, 'DecimalSI')` prints `1n`. */
  static fromNanoValue(nanos: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(toBigInt(nanos), format);
  }

  /** A whole number of units, e.g. `fromValue(4n * 2n ** 30n, 'BinarySI')` prints `4Gi`. */
  static fromValue(value: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(toBigInt(value) * NANOS_PER_UNIT, format);
  }

  /** A whole number of thousandths, e.g. `fromMilliValue(250)` prints `250m`. */
  static fromMilliValue(millis: bigint | number, format: QuantityFormat = 'DecimalSI'): Quantity {
    return new Quantity(toBigInt(millis) * 10n ** 6n, format);
  }

  /** The value rounded away from zero to a whole number (Kubernetes' Value()). */
  value(): bigint {
    return divPow10AwayFromZero(this.#nanos, 9n);
  }

  /** The value in thousandths, rounded away from zero (Kubernetes' MilliValue()). */
  milliValue(): bigint {
    return divPow10AwayFromZero(this.#nanos, 6n);
  }

  /** The value in billionths; exact, since quantities never hold finer amounts. */
  nanoValue(): bigint {
    return this.#nanos;
  }

  sign(): -1 | 0 | 1 {
    return this.#nanos === 0n ? 0 : this.#nanos < 0n ? -1 : 1;
  }

  isZero(): boolean {
    return this.#nanos === 0n;
  }

  /** -1, 0 or 1 as this quantity is less than, equal to or greater than `other`. */
  cmp(other: Quantity): -1 | 0 | 1 {
    const a = this.#nanos;
    const b = other.#nanos;
    return a === b ? 0 : a < b ? -1 : 1;
  }

  equals(other: Quantity): boolean {
    return this.#nanos === other.#nanos;
  }

  /** The sum; a zero receiver takes the other's format, as in Kubernetes' Add. */
  add(other: Quantity): Quantity {
    return new Quantity(this.#nanos + other.#nanos, this.isZero() ? other.format : this.format);
  }

  /** The difference; a zero receiver takes the other's format, as in Kubernetes' Sub. */
  sub(other: Quantity): Quantity {
    return new Quantity(this.#nanos - other.#nanos, this.isZero() ? other.format : this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.#nanos, this.format);
  }

  /** The canonical form Kubernetes serializes: `1500m`, `1536Mi`, `12e6`, `0`. */
  toString(): string {
    if (this.#nanos === 0n) return '0';
    if (this.format === 'BinarySI' && this.#isWholeAndAtLeast1024()) return this.#binaryString();
    return this.#decimalString(this.format === 'DecimalExponent' ? 'DecimalExponent' : 'DecimalSI');
  }

  toJSON(): string {
    return this.toString();
  }

  #isWholeAndAtLeast1024(): boolean {
    return abs(this.#nanos) >= 1024n * NANOS_PER_UNIT && this.#nanos % NANOS_PER_UNIT === 0n;
  }

  #binaryString(): string {
    let mantissa = this.#nanos / NANOS_PER_UNIT;
    let power = 0;
    while (power < BINARY_SUFFIX_BY_POWER.length - 1 && mantissa % 1024n === 0n) {
      mantissa /= 1024n;
      power++;
    }
    return `${mantissa}${BINARY_SUFFIX_BY_POWER[power]}`;
  }

  #decimalString(format: 'DecimalSI' | 'DecimalExponent'): string {
    let mantissa = this.#nanos;
    let exponent = -9;
    while (mantissa % 10n === 0n) {
      mantissa /= 10n;
      exponent++;
    }
    while (exponent % 3 !== 0) {
      mantissa *= 10n;
      exponent--;
    }
    if (format === 'DecimalExponent') return exponent === 0 ? `${mantissa}` : `${mantissa}e${exponent}`;
    if (exponent > LARGEST_DECIMAL_SUFFIX_EXPONENT) {
      mantissa *= pow10(exponent - LARGEST_DECIMAL_SUFFIX_EXPONENT);
      exponent = LARGEST_DECIMAL_SUFFIX_EXPONENT;
    }
    return `${mantissa}${DECIMAL_SUFFIX_BY_EXPONENT.get(exponent) ?? ''}`;
  }
}

function toBigInt(n: bigint | number): bigint {
  if (typeof n === 'bigint') return n;
  if (!Number.isSafeInteger(n)) throw new QuantityError(`${n} is not a safe integer`, String(n));
  return BigInt(n);
}

interface ScannedQuantity {
  positive: boolean;
  /** Integer digits without leading zeros; "0" when there are none. */
  whole: string;
  fraction: string;
  suffix: string;
}

function isDigit(ch: string | undefined): boolean {
  return ch !== undefined && ch >= '0' && ch <= '9';
}

/** Splits a quantity into sign, digits and suffix the way Kubernetes' parseQuantityString does. */
function scanQuantity(str: string): ScannedQuantity {
  const end = str.length;
  let pos = 0;
  let positive = true;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, whole: '0', fraction: '', suffix: '' };

  const wholeStart = pos;
  while (pos < end && isDigit(str[pos])) pos++;
  const whole = str.slice(wholeStart, pos) || '0';
  if (pos >= end) return { positive, whole, fraction: '', suffix: '' };

  let fraction = '';
  if (str[pos] === '.') {
    pos++;
    const fractionStart = pos;
    while (pos < end && isDigit(str[pos])) pos++;
    fraction = str.slice(fractionStart, pos);
  }

  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos] as string)) pos++;
  if (pos < end && (str[pos] === '+' || str[pos] === '-')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) throw new QuantityError(QUANTITY_FORMAT_MESSAGE, str);
  return { positive, whole, fraction, suffix: str.slice(suffixStart) };
}

type Multiplier = { base: 10; exponent: bigint; format: QuantityFormat } | { base: 2; exponent: bigint };

function interpretSuffix(suffix: string, input: string): Multiplier {
  const decimal = DECIMAL_SUFFIXES.get(suffix);
  if (decimal !== undefined) return { base: 10, exponent: BigInt(decimal), format: 'DecimalSI' };
  const binary = BINARY_SUFFIXES.get(suffix);
  if (binary !== undefined) return { base: 2, exponent: binary };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const digits = suffix.slice(1);
    // Kubernetes reads the exponent with strconv.ParseInt(s, 10, 64).
    if (/^[+-]?[0-9]+$/.test(digits)) {
      const exponent = BigInt(digits);
      if (exponent >= MIN_INT64 && exponent <= MAX_INT64) {
        return { base: 10, exponent, format: 'DecimalExponent' };
      }
    }
  }
  throw new QuantityError(QUANTITY_SUFFIX_MESSAGE, input);
}

/** Parses a quantity exactly as Kubernetes' resource.ParseQuantity does; throws QuantityError. */
export function parseQuantity(str: string): Quantity {
  if (str.length === 0) throw new QuantityError(QUANTITY_FORMAT_MESSAGE, str);
  if (str === '0') return Quantity.fromNanoValue(0n, 'DecimalSI');

  const { positive, whole, fraction, suffix } = scanQuantity(str);
  const multiplier = interpretSuffix(suffix, str);
  let digits = BigInt(whole + fraction);
  let exponent = -BigInt(fraction.length);
  let format: QuantityFormat;
  if (multiplier.base === 2) {
    digits <<= multiplier.exponent;
    format = 'BinarySI';
  } else {
    exponent += multiplier.exponent;
    format = multiplier.format;
  }

  // Kubernetes rounds every non-zero amount up (away from zero) to a whole number of nano-units,
  // "under the theory that if you want some resources, you should get some resources".
  const nanoExponent = exponent + 9n;
  let nanos: bigint;
  if (digits === 0n) {
    nanos = 0n;
  } else if (nanoExponent < 0n) {
    nanos = divPow10AwayFromZero(digits, -nanoExponent);
  } else if (exponent > BigInt(MAX_DECIMAL_EXPONENT)) {
    throw new QuantityError(QUANTITY_RANGE_MESSAGE, str);
  } else {
    nanos = digits * pow10(nanoExponent);
  }

  if (format === 'BinarySI') {
    if (nanos > MAX_BINARY_NANOS) nanos = MAX_BINARY_NANOS;
    if (nanos > 0n && nanos < NANOS_PER_UNIT) format = 'DecimalSI';
  }
  return Quantity.fromNanoValue(positive ? nanos : -nanos, format);
}

/** The canonical spelling of a quantity: `formatQuantity('1.5Gi')` is `1536Mi`. */
export function formatQuantity(q: Quantity | string): string {
  return toQuantity(q).toString();
}

/** CPU in millicores (`500m` → 500, `2` → 2000), rounded up like Kubernetes' MilliValue. */
export function cpuMillis(q: Quantity | string): number {
  return toSafeNumber(toQuantity(q).milliValue(), q);
}

/** Memory (or any whole-unit resource) in bytes (`1Gi` → 1073741824), rounded up. */
export function memoryBytes(q: Quantity | string): number {
  return toSafeNumber(toQuantity(q).value(), q);
}

function toQuantity(q: Quantity | string): Quantity {
  return typeof q === 'string' ? parseQuantity(q) : q;
}

function toSafeNumber(n: bigint, source: Quantity | string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new QuantityError(`quantity ${String(source)} is too large to use as a number`, String(source));
  }
  return Number(n);
}
