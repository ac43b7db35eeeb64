// A strict reader of Prometheus' text exposition format (version 0.0.4), for tests that scrape a
// /metrics endpoint: every line must be a HELP or TYPE comment or a well-formed sample, names and
// labels must be valid, label values properly escaped, values numbers, and every sample must
// belong to the family its TYPE line declared (with the _bucket/_sum/_count, _total suffixes
// those types allow). Anything else throws, naming the line.

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  samples: Sample[];
}

export class ExpositionError extends Error {
  override readonly name = 'ExpositionError';
  constructor(line: number, text: string, why: string) {
    super(`line ${line}: ${why}: ${JSON.stringify(text)}`);
  }
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set<MetricType>(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<MetricType, string[]> = {
  counter: ['', '_total'],
  gauge: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
  untyped: [''],
};

/** A sample value as Prometheus reads it (Go's ParseFloat: Inf and NaN in any letter case, as prom-client writes "Nan"). */
function parseValue(text: string): number | undefined {
  const lower = text.toLowerCase();
  if (lower === '+inf' || lower === 'inf') return Infinity;
  if (lower === '-inf') return -Infinity;
  if (lower === 'nan') return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

/** Reads `{a="x",b="y"}` from the start of text; returns the labels and the rest of the line. */
function parseLabels(text: string, fail: (why: string) => never): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  for (;;) {
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const eq = text.indexOf('=', i);
    if (eq === -1) fail('label without a value');
    const name = text.slice(i, eq);
    if (!LABEL_NAME.test(name)) fail(`invalid label name "${name}"`);
    if (name in labels) fail(`label "${name}" repeated`);
    if (text[eq + 1] !== '"') fail('label value not quoted');
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else fail('invalid escape in label value');
      } else value += text[j];
    }
    if (j >= text.length) fail('unterminated label value');
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') fail('expected , or } after a label');
  }
}

/** Parses a whole exposition; throws ExpositionError on the first malformed line. */
export function parsePrometheusText(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let current: MetricFamily | undefined;
  lines.forEach((line, index) => {
    const fail = (why: string): never => {
      throw new ExpositionError(index + 1, line, why);
    };
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (!m) return; // other comments are allowed
      const [, keyword, name, rest] = m as unknown as [string, 'HELP' | 'TYPE', string, string];
      if (!METRIC_NAME.test(name)) fail(`invalid metric name "${name}"`);
      let family = families.get(name);
      if (family && family !== current) fail(`metric family "${name}" is not contiguous`);
      if (!family) {
        family = { name, type: 'untyped', help: '', samples: [] };
        families.set(name, family);
      }
      current = family;
      if (keyword === 'TYPE') {
        if (!TYPES.has(rest as MetricType)) fail(`unknown metric type "${rest}"`);
        if (family.samples.length > 0) fail('TYPE after samples');
        family.type = rest as MetricType;
      } else family.help = rest;
      return;
    }
    const nameEnd = line.search(/[{ ]/);
    if (nameEnd <= 0) fail('no sample value');
    const name = line.slice(0, nameEnd);
    if (!METRIC_NAME.test(name)) fail(`invalid metric name "${name}"`);
    const { labels, rest } = line[nameEnd] === '{' ? parseLabels(line.slice(nameEnd), fail) : { labels: {}, rest: line.slice(nameEnd) };
    const fields = rest.trim().split(/\s+/);
    if (!rest.startsWith(' ') || fields.length < 1 || fields.length > 2 || fields[0] === '') fail('expected a value and an optional timestamp');
    const value = parseValue(fields[0]!);
    if (value === undefined) fail(`invalid value "${fields[0]}"`);
    if (fields[1] !== undefined && !/^-?\d+$/.test(fields[1])) fail(`invalid timestamp "${fields[1]}"`);
    const family = current && SUFFIXES[current.type].some((suffix) => `${current!.name}${suffix}` === name) ? current : undefined;
    if (!family) fail(`sample "${name}" outside its family's TYPE block`);
    if (family!.type === 'histogram' && name.endsWith('_bucket') && labels.le === undefined) fail('histogram bucket without le');
    family!.samples.push({ name, labels, value: value! });
  });
  return families;
}

/** The samples of a family whose labels include all of `labels`. */
export function samplesOf(families: Map<string, MetricFamily>, sampleName: string, labels: Record<string, string> = {}): Sample[] {
  return [...families.values()]
    .flatMap((f) => f.samples)
    .filter((s) => s.name === sampleName && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The sum of the matching samples' values (0 when none match). */
export function sumOf(families: Map<string, MetricFamily>, sampleName: string, labels: Record<string, string> = {}): number {
  return samplesOf(families, sampleName, labels).reduce((total, s) => total + s.value, 0);
}
