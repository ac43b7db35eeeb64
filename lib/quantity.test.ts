import { describe, expect, it } from 'vitest';
import {
  MAX_DECIMAL_EXPONENT,
  Quantity,
  QUANTITY_FORMAT_MESSAGE,
  QUANTITY_RANGE_MESSAGE,
  QUANTITY_SUFFIX_MESSAGE,
  QuantityError,
  type QuantityFormat,
  cpuMillis,
  formatQuantity,
  memoryBytes,
  parseQuantity,
} from './quantity.js';

/** unscaled × 10^scale, in nano-units: the shape of Kubernetes' decQuantity test helper. */
function dec(unscaled: bigint | number, scale: number): bigint {
  const nanoScale = scale + 9;
  if (nanoScale < 0) throw new Error('test helper only builds whole nano amounts');
  return BigInt(unscaled) * 10n ** BigInt(nanoScale);
}

const MAX_INT64 = 2n ** 63n - 1n;

// The parse table of Kubernetes' TestQuantityParse: input → exact value and remembered format.
const parseTable: Array<[string, bigint, QuantityFormat]> = [
  ['0', dec(0, 0), 'DecimalSI'],
  ['0n', dec(0, 0), 'DecimalSI'],
  ['0u', dec(0, 0), 'DecimalSI'],
  ['0m', dec(0, 0), 'DecimalSI'],
  ['0Ki', dec(0, 0), 'BinarySI'],
  ['0k', dec(0, 0), 'DecimalSI'],
  ['0Mi', dec(0, 0), 'BinarySI'],
  ['0M', dec(0, 0), 'DecimalSI'],
  ['0Gi', dec(0, 0), 'BinarySI'],
  ['0G', dec(0, 0), 'DecimalSI'],
  ['0Ti', dec(0, 0), 'BinarySI'],
  ['0T', dec(0, 0), 'DecimalSI'],
  ['1', dec(1, 0), 'DecimalSI'],
  ['1Ki', dec(1024, 0), 'BinarySI'],
  ['8Ki', dec(8 * 1024, 0), 'BinarySI'],
  ['7Mi', dec(7 * 1024 ** 2, 0), 'BinarySI'],
  ['6Gi', dec(6 * 1024 ** 3, 0), 'BinarySI'],
  ['5Ti', dec(5 * 1024 ** 4, 0), 'BinarySI'],
  ['4Pi', dec(4n * 1024n ** 5n, 0), 'BinarySI'],
  ['3Ei', dec(3n * 1024n ** 6n, 0), 'BinarySI'],
  ['10Ti', dec(10 * 1024 ** 4, 0), 'BinarySI'],
  ['100Ti', dec(100 * 1024 ** 4, 0), 'BinarySI'],
  ['5n', dec(5, -9), 'DecimalSI'],
  ['4u', dec(4, -6), 'DecimalSI'],
  ['3m', dec(3, -3), 'DecimalSI'],
  ['9', dec(9, 0), 'DecimalSI'],
  ['8k', dec(8, 3), 'DecimalSI'],
  ['50k', dec(5, 4), 'DecimalSI'],
  ['7M', dec(7, 6), 'DecimalSI'],
  ['6G', dec(6, 9), 'DecimalSI'],
  ['5T', dec(5, 12), 'DecimalSI'],
  ['40T', dec(4, 13), 'DecimalSI'],
  ['300T', dec(3, 14), 'DecimalSI'],
  ['2P', dec(2, 15), 'DecimalSI'],
  ['1E', dec(1, 18), 'DecimalSI'],
  ['1E-3', dec(1, -3), 'DecimalExponent'],
  ['1e3', dec(1, 3), 'DecimalExponent'],
  ['1E6', dec(1, 6), 'DecimalExponent'],
  ['1e9', dec(1, 9), 'DecimalExponent'],
  ['1E12', dec(1, 12), 'DecimalExponent'],
  ['1e15', dec(1, 15), 'DecimalExponent'],
  ['1E18', dec(1, 18), 'DecimalExponent'],
  ['1e14', dec(1, 14), 'DecimalExponent'],
  ['1e13', dec(1, 13), 'DecimalExponent'],
  ['100.035k', dec(100035, 0), 'DecimalSI'],
  ['0.001', dec(1, -3), 'DecimalSI'],
  ['0.0005k', dec(5, -1), 'DecimalSI'],
  ['0.005', dec(5, -3), 'DecimalSI'],
  ['0.05', dec(5, -2), 'DecimalSI'],
  ['0.5', dec(5, -1), 'DecimalSI'],
  ['0.00050k', dec(5, -1), 'DecimalSI'],
  ['0.00500', dec(5, -3), 'DecimalSI'],
  ['0.05000', dec(5, -2), 'DecimalSI'],
  ['0.50000', dec(5, -1), 'DecimalSI'],
  ['0.5e0', dec(5, -1), 'DecimalExponent'],
  ['0.5e-1', dec(5, -2), 'DecimalExponent'],
  ['0.5e-2', dec(5, -3), 'DecimalExponent'],
  ['10.035M', dec(10035, 3), 'DecimalSI'],
  ['1.2e3', dec(12, 2), 'DecimalExponent'],
  ['1.3E+6', dec(13, 5), 'DecimalExponent'],
  ['1.40e9', dec(14, 8), 'DecimalExponent'],
  ['1.53E12', dec(153, 10), 'DecimalExponent'],
  ['1.6e15', dec(16, 14), 'DecimalExponent'],
  ['1.7E18', dec(17, 17), 'DecimalExponent'],
  ['9.01', dec(901, -2), 'DecimalSI'],
  ['8.1k', dec(81, 2), 'DecimalSI'],
  ['7.123456M', dec(7123456, 0), 'DecimalSI'],
  ['6.987654321G', dec(6987654321, 0), 'DecimalSI'],
  ['5.444T', dec(5444, 9), 'DecimalSI'],
  ['40.1T', dec(401, 11), 'DecimalSI'],
  ['300.2T', dec(3002, 11), 'DecimalSI'],
  ['2.5P', dec(25, 14), 'DecimalSI'],
  ['1.01E', dec(101, 16), 'DecimalSI'],
  // Things that saturate or round up.
  ['3.001n', dec(4, -9), 'DecimalSI'],
  ['1.1E-9', dec(2, -9), 'DecimalExponent'],
  ['0.0000000001', dec(1, -9), 'DecimalSI'],
  ['0.0000000005', dec(1, -9), 'DecimalSI'],
  ['0.00000000050', dec(1, -9), 'DecimalSI'],
  ['0.5e-9', dec(1, -9), 'DecimalExponent'],
  ['0.9n', dec(1, -9), 'DecimalSI'],
  ['0.00000012345', dec(124, -9), 'DecimalSI'],
  ['0.00000012354', dec(124, -9), 'DecimalSI'],
  ['9Ei', dec(MAX_INT64, 0), 'BinarySI'],
  ['9223372036854775807Ki', dec(MAX_INT64, 0), 'BinarySI'],
  ['12E', dec(12, 18), 'DecimalSI'],
  // Fractional binary amounts.
  ['100.035Ki', dec(10243584, -2), 'BinarySI'],
  ['0.5Mi', dec(0.5 * 1024 * 1024, 0), 'BinarySI'],
  ['0.05Gi', dec(536870912, -1), 'BinarySI'],
  ['0.025Ti', dec(274877906944, -1), 'BinarySI'],
  // "Things written by trolls".
  ['0.000000000001Ki', dec(2, -9), 'DecimalSI'],
  ['.001', dec(1, -3), 'DecimalSI'],
  ['.0001k', dec(100, -3), 'DecimalSI'],
  ['1.', dec(1, 0), 'DecimalSI'],
  ['1.G', dec(1, 9), 'DecimalSI'],
];


/** Exact sum of quantities, starting from zero. */
const sum = (...quantities: string[]): Quantity => quantities.reduce((total, q) => total.add(parseQuantity(q)), parseQuantity('0'));

describe('parseQuantity', () => {
  it.each(parseTable)('parses %s', (input, nanos, format) => {
    const q = parseQuantity(input);
    expect(q.nanoValue()).toBe(nanos);
    expect(q.format).toBe(format);
  });

  it.each(parseTable)('parses -%s as the negation', (input, nanos, format) => {
    const q = parseQuantity(`-${input}`);
    expect(q.nanoValue()).toBe(-nanos);
    expect(q.format).toBe(format);
  });

  it.each(parseTable)('parses +%s like the unsigned form', (input, nanos, format) => {
    const q = parseQuantity(`+${input}`);
    expect(q.nanoValue()).toBe(nanos);
    expect(q.format).toBe(format);
  });

  it.each(parseTable)('round-trips %s through its canonical string', (input) => {
    const q = parseQuantity(input);
    const again = parseQuantity(q.toString());
    expect(again.cmp(q)).toBe(0);
    expect(again.toString()).toBe(q.toString());
  });

  it('accepts what the brief lists', () => {
    expect(cpuMillis('500m')).toBe(500);
    expect(cpuMillis('0.5')).toBe(500);
    expect(cpuMillis('1')).toBe(1000);
    expect(memoryBytes('128Mi')).toBe(128 * 1024 * 1024);
    expect(memoryBytes('1Gi')).toBe(1024 ** 3);
    expect(memoryBytes('1G')).toBe(1e9);
    expect(memoryBytes('1e3')).toBe(1000);
    expect(memoryBytes('1.5Gi')).toBe(1.5 * 1024 ** 3);
    expect(memoryBytes('100k')).toBe(100_000);
    expect(memoryBytes('2Ki')).toBe(2048);
    expect(parseQuantity('1n').nanoValue()).toBe(1n);
    expect(parseQuantity('1u').nanoValue()).toBe(1000n);
  });

  // Kubernetes' scanner is more lenient than its own error message suggests; we match it.
  it.each([
    ['-', 'DecimalSI'],
    ['+', 'DecimalSI'],
    ['.', 'DecimalSI'],
    ['-.', 'DecimalSI'],
    ['000', 'DecimalSI'],
    ['Mi', 'BinarySI'],
    ['k', 'DecimalSI'],
    ['e3', 'DecimalExponent'],
  ] as const)('parses the degenerate %s as zero, like Kubernetes', (input, format) => {
    const q = parseQuantity(input);
    expect(q.isZero()).toBe(true);
    expect(q.format).toBe(format);
    expect(q.toString()).toBe('0');
  });

  const invalid: Array<[string, string]> = [
    ['', QUANTITY_FORMAT_MESSAGE],
    ['1.1.M', QUANTITY_FORMAT_MESSAGE],
    ['1+1.0M', QUANTITY_FORMAT_MESSAGE],
    ['0.1mi', QUANTITY_SUFFIX_MESSAGE],
    ['0.1am', QUANTITY_FORMAT_MESSAGE],
    ['aoeu', QUANTITY_FORMAT_MESSAGE],
    ['.5i', QUANTITY_SUFFIX_MESSAGE],
    ['1i', QUANTITY_SUFFIX_MESSAGE],
    ['-3.01i', QUANTITY_SUFFIX_MESSAGE],
    ['-3.01e-', QUANTITY_SUFFIX_MESSAGE],
    [' 1', QUANTITY_FORMAT_MESSAGE],
    ['1 ', QUANTITY_FORMAT_MESSAGE],
    ['1K', QUANTITY_SUFFIX_MESSAGE],
    ['1e', QUANTITY_SUFFIX_MESSAGE],
    ['1ee3', QUANTITY_SUFFIX_MESSAGE],
    ['1Mi5', QUANTITY_SUFFIX_MESSAGE],
    ['1e3m', QUANTITY_FORMAT_MESSAGE],
    ['1e+', QUANTITY_SUFFIX_MESSAGE],
    ['1e99999999999999999999', QUANTITY_SUFFIX_MESSAGE],
    ['1,5', QUANTITY_FORMAT_MESSAGE],
    ['1_000', QUANTITY_FORMAT_MESSAGE],
    ['0x10', QUANTITY_FORMAT_MESSAGE],
    ['1Gb', QUANTITY_FORMAT_MESSAGE],
    ['--1', QUANTITY_SUFFIX_MESSAGE],
    ['１', QUANTITY_FORMAT_MESSAGE],
  ];
  it.each(invalid)('rejects %j', (input, message) => {
    let error: unknown;
    try {
      parseQuantity(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QuantityError);
    expect((error as QuantityError).message).toBe(message);
    expect((error as QuantityError).input).toBe(input);
    expect((error as QuantityError).name).toBe('QuantityError');
  });

  it('uses Kubernetes message text', () => {
    expect(QUANTITY_FORMAT_MESSAGE).toBe(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
  });

  it('rounds tiny amounts up to 1n and never builds huge powers for them', () => {
    expect(parseQuantity('1e-999999999999').nanoValue()).toBe(1n);
    expect(parseQuantity('-1e-999999999999').nanoValue()).toBe(-1n);
    expect(parseQuantity('0e-999999999999').isZero()).toBe(true);
    expect(parseQuantity('123456e-14').nanoValue()).toBe(2n);
  });

  it('handles exact values beyond int64 for decimal formats', () => {
    expect(parseQuantity('10E').nanoValue()).toBe(10n ** 28n);
    expect(parseQuantity('1e30').value()).toBe(10n ** 30n);
    expect(parseQuantity(`1e${MAX_DECIMAL_EXPONENT}`).value()).toBe(10n ** BigInt(MAX_DECIMAL_EXPONENT));
    expect(parseQuantity(`0e${MAX_DECIMAL_EXPONENT + 5}`).isZero()).toBe(true);
  });

  it('caps binary quantities at the largest int64, as Kubernetes does', () => {
    expect(parseQuantity('8Ei').value()).toBe(MAX_INT64);
    expect(parseQuantity('-100Ei').value()).toBe(-MAX_INT64);
    expect(parseQuantity('7Ei').value()).toBe(7n * 2n ** 60n);
  });

  it('rejects exponents that would need enormous numbers', () => {
    expect(() => parseQuantity(`1e${MAX_DECIMAL_EXPONENT + 1}`)).toThrow(QUANTITY_RANGE_MESSAGE);
    expect(() => parseQuantity('1e4294967296')).toThrow(QuantityError);
  });
});

describe('Quantity.toString (canonical form)', () => {
  // Kubernetes' TestQuantityString: value, format, canonical form, and an alternate spelling.
  const table: Array<[bigint, QuantityFormat, string, string]> = [
    [dec(1024 ** 3, 0), 'BinarySI', '1Gi', '1024Mi'],
    [dec(300 * 1024 ** 2, 0), 'BinarySI', '300Mi', '307200Ki'],
    [dec(6 * 1024, 0), 'BinarySI', '6Ki', ''],
    [dec(1001 * 1024 ** 3, 0), 'BinarySI', '1001Gi', '1025024Mi'],
    [dec(1024 ** 4, 0), 'BinarySI', '1Ti', '1024Gi'],
    [dec(5, 0), 'BinarySI', '5', '5000m'],
    [dec(500, -3), 'BinarySI', '500m', '0.5'],
    [dec(1, 9), 'DecimalSI', '1G', '1000M'],
    [dec(1000, 6), 'DecimalSI', '1G', '0.001T'],
    [dec(1000000, 3), 'DecimalSI', '1G', ''],
    [dec(1000000000, 0), 'DecimalSI', '1G', ''],
    [dec(1, -3), 'DecimalSI', '1m', '1000u'],
    [dec(80, -3), 'DecimalSI', '80m', ''],
    [dec(1080, -3), 'DecimalSI', '1080m', '1.08'],
    [dec(108, -2), 'DecimalSI', '1080m', '1080000000n'],
    [dec(10800, -4), 'DecimalSI', '1080m', ''],
    [dec(300, 6), 'DecimalSI', '300M', ''],
    [dec(1, 12), 'DecimalSI', '1T', ''],
    [dec(1234567, 6), 'DecimalSI', '1234567M', ''],
    [dec(1234567, -3), 'BinarySI', '1234567m', ''],
    [dec(3, 3), 'DecimalSI', '3k', ''],
    [dec(1025, 0), 'BinarySI', '1025', ''],
    [dec(0, 0), 'DecimalSI', '0', ''],
    [dec(0, 0), 'BinarySI', '0', ''],
    [dec(1, 9), 'DecimalExponent', '1e9', '.001e12'],
    [dec(1, -3), 'DecimalExponent', '1e-3', '0.001e0'],
    [dec(1, -9), 'DecimalExponent', '1e-9', '1000e-12'],
    [dec(80, -3), 'DecimalExponent', '80e-3', ''],
    [dec(300, 6), 'DecimalExponent', '300e6', ''],
    [dec(1, 12), 'DecimalExponent', '1e12', ''],
    [dec(1, 3), 'DecimalExponent', '1e3', ''],
    [dec(3, 3), 'DecimalExponent', '3e3', ''],
    [dec(3, 3), 'DecimalSI', '3k', ''],
    [dec(0, 0), 'DecimalExponent', '0', '00'],
    [dec(1, -9), 'DecimalSI', '1n', ''],
    [dec(80, -9), 'DecimalSI', '80n', ''],
    [dec(1080, -9), 'DecimalSI', '1080n', ''],
    [dec(108, -8), 'DecimalSI', '1080n', ''],
    [dec(1080, -9), 'DecimalSI', '1080n', ''],
    [dec(1, -6), 'DecimalSI', '1u', ''],
    [dec(80, -6), 'DecimalSI', '80u', ''],
    [dec(1080, -6), 'DecimalSI', '1080u', ''],
  ];

  it.each(table)('prints %s (%s) as %s', (nanos, format, expected, alternate) => {
    const q = Quantity.fromNanoValue(nanos, format);
    expect(q.toString()).toBe(expected);
    expect(parseQuantity(expected).toString()).toBe(expected);
    if (alternate) expect(parseQuantity(alternate).toString()).toBe(expected);
    if (nanos !== 0n) expect(q.neg().toString()).toBe(`-${expected}`);
  });

  // Kubernetes' TestQuantityParseEmit.
  it.each([
    ['1Ki', '1Ki'],
    ['1Mi', '1Mi'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
  ])('parses %s and emits %s', (input, expected) => {
    expect(formatQuantity(input)).toBe(expected);
    expect(formatQuantity(`-${input}`)).toBe(`-${expected}`);
  });

  it.each([
    ['1.5', '1500m'],
    ['1.5Gi', '1536Mi'],
    ['1000', '1k'],
    ['+1', '1'],
    ['01', '1'],
    ['1E3', '1e3'],
    ['12e6', '12e6'],
    ['1.5e3', '1500'],
    ['0.1', '100m'],
    ['1.5Ki', '1536'],
    ['1023', '1023'],
    ['1024', '1024'],
    ['2048Ki', '2Mi'],
    ['1.0000001Ki', '1024000102400n'],
    ['-1Ki', '-1Ki'],
    ['1000E', '1000E'],
    ['1e21', '1e21'],
    ['1024Ei', '9223372036854775807'],
  ])('canonicalizes %s as %s', (input, expected) => {
    expect(formatQuantity(input)).toBe(expected);
  });

  it('serializes to JSON as its canonical string', () => {
    expect(JSON.stringify({ memory: parseQuantity('1024Mi') })).toBe('{"memory":"1Gi"}');
  });

  it('prints large binary values with the Ei suffix', () => {
    expect(Quantity.fromValue(2n ** 70n, 'BinarySI').toString()).toBe('1024Ei');
  });
});

describe('value and milliValue', () => {
  it.each([
    ['1', 1n, 1000n],
    ['500m', 1n, 500n],
    ['1500m', 2n, 1500n],
    ['0.1m', 1n, 1n],
    ['1n', 1n, 1n],
    ['1001u', 1n, 2n],
    ['-1.5', -2n, -1500n],
    ['-1n', -1n, -1n],
    ['-1.0000000001', -2n, -1001n],
    ['1.5Gi', 1610612736n, 1610612736000n],
    ['0', 0n, 0n],
    ['1e30', 10n ** 30n, 10n ** 33n],
  ])('%s → value %s, milliValue %s (rounded away from zero)', (input, value, milli) => {
    const q = parseQuantity(input);
    expect(q.value()).toBe(value);
    expect(q.milliValue()).toBe(milli);
  });
});

describe('comparison and arithmetic', () => {
  it.each([
    ['0', '0', 0],
    ['100m', '50m', 1],
    ['50m', '100m', -1],
    ['10000T', '100Gi', 1],
    ['1Gi', '1073741824', 0],
    ['1G', '1Gi', -1],
    ['-1', '1n', -1],
    ['1e3', '1k', 0],
  ] as const)('cmp(%s, %s) = %d', (a, b, expected) => {
    expect(parseQuantity(a).cmp(parseQuantity(b))).toBe(expected);
    expect(parseQuantity(b).cmp(parseQuantity(a))).toBe(-expected === 0 ? 0 : -expected);
    expect(parseQuantity(a).equals(parseQuantity(b))).toBe(expected === 0);
  });

  it('adds exactly, with no floating point drift', () => {
    const tenths = Array.from({ length: 10 }, () => '0.1');
    expect(sum(...tenths).toString()).toBe('1');
    expect(sum('100m', '200m').toString()).toBe('300m');
    expect(sum('1Gi', '512Mi').toString()).toBe('1536Mi');
    expect(sum().toString()).toBe('0');
  });

  it('keeps the format of the first non-zero term, as Kubernetes Add does', () => {
    for (const value of ['100m', '1Gi']) {
      expect(parseQuantity(value).add(parseQuantity('0')).toString()).toBe(value);
      expect(parseQuantity('0').add(parseQuantity(value)).toString()).toBe(value);
      expect(parseQuantity(value).sub(parseQuantity('0')).toString()).toBe(value);
      expect(parseQuantity('0').sub(parseQuantity(value)).toString()).toBe(`-${value}`);
    }
    expect(sum('0', '1Gi', '1G').format).toBe('BinarySI');
  });

  it('subtracts and negates', () => {
    const allocatable = parseQuantity('4');
    const requested = sum('1500m', '2');
    expect(allocatable.sub(requested).toString()).toBe('500m');
    expect(requested.sub(allocatable).sign()).toBe(-1);
    expect(parseQuantity('1Gi').neg().toString()).toBe('-1Gi');
    expect(parseQuantity('0').sign()).toBe(0);
    expect(parseQuantity('1n').sign()).toBe(1);
  });

  it('builds quantities from numbers', () => {
    expect(Quantity.fromValue(8 * 1024 ** 3, 'BinarySI').toString()).toBe('8Gi');
    expect(Quantity.fromValue(2).toString()).toBe('2');
    expect(Quantity.fromMilliValue(250).toString()).toBe('250m');
    expect(Quantity.fromMilliValue(2000n).toString()).toBe('2');
    expect(Quantity.fromNanoValue(1500).toString()).toBe('1500n');
    expect(() => Quantity.fromValue(1.5)).toThrow(QuantityError);
  });
});

describe('cpuMillis and memoryBytes', () => {
  it('accept strings and quantities', () => {
    expect(cpuMillis(parseQuantity('2'))).toBe(2000);
    expect(cpuMillis('100m')).toBe(100);
    expect(cpuMillis('0.0001')).toBe(1);
    expect(memoryBytes(parseQuantity('64Mi'))).toBe(67108864);
    expect(memoryBytes('0.5')).toBe(1);
  });

  it('refuse values a JavaScript number cannot hold exactly', () => {
    expect(() => memoryBytes('1e30')).toThrow(/too large to use as a number/);
    expect(() => cpuMillis('1E')).toThrow(QuantityError);
  });

  it('propagate parse errors', () => {
    expect(() => cpuMillis('lots')).toThrow(QuantityError);
  });
});
