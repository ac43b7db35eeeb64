import type { Event, ObjectMeta, Taint, Toleration } from '../../../lib/api/generated/index.js';
import { age, humanDuration, parseTimestamp } from '../../../lib/printers/duration.js';
import { compareStrings } from '../../../lib/printers/order.js';
import type { DescribeWriter } from './writer.js';

// Building blocks shared by the describers: multi-line labels and annotations, taints,
// tolerations, the owning controller and the Events table at the bottom.

const sortedKeys = (map: Record<string, string> | undefined): string[] => Object.keys(map ?? {}).sort(compareStrings);

/** `Title:\tk=v`, further pairs on their own lines under the first value. */
export function writeLabels(w: DescribeWriter, title: string, labels: Record<string, string> | undefined, initialIndent = ''): void {
  w.write(0, `${initialIndent}${title}:\t`);
  const keys = sortedKeys(labels);
  if (keys.length === 0) {
    w.line('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, `${initialIndent}\t`);
    w.write(0, `${key}=${labels![key]}\n`);
  });
}

// kubectl apply's record of the last configuration is noise in describe output.
const SKIPPED_ANNOTATIONS = new Set(['kubectl.kubernetes.io/last-applied-configuration']);
const MAX_ANNOTATION_LENGTH = 140;

const shorten = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max)}...` : s);

/** `Title:\tkey: value`; long or multi-line values go below their key, each line cut at 138 characters. */
export function writeAnnotations(w: DescribeWriter, title: string, annotations: Record<string, string> | undefined): void {
  w.write(0, `${title}:\t`);
  const keys = sortedKeys(annotations).filter((k) => !SKIPPED_ANNOTATIONS.has(k));
  if (keys.length === 0) {
    w.line('<none>');
    return;
  }
  keys.forEach((key, i) => {
    if (i !== 0) w.write(0, '\t');
    const value = annotations![key]!.replace(/\n$/, '');
    if (value.length + key.length + 2 > MAX_ANNOTATION_LENGTH || value.includes('\n')) {
      w.write(0, `${key}:\n`);
      for (const line of value.split('\n')) w.write(0, `\t  ${shorten(line, MAX_ANNOTATION_LENGTH - 2)}\n`);
    } else {
      w.write(0, `${key}: ${value}\n`);
    }
  });
}

function taintString(taint: Taint): string {
  const key = taint.key ?? '';
  return taint.value ? `${key}=${taint.value}:${taint.effect ?? ''}` : `${key}:${taint.effect ?? ''}`;
}

export function writeTaints(w: DescribeWriter, title: string, taints: Taint[] | undefined): void {
  w.write(0, `${title}:\t`);
  if (!taints?.length) {
    w.line('<none>');
    return;
  }
  const order = (t: Taint): string => `${t.effect ?? ''},${t.key ?? ''}`;
  [...taints]
    .sort((a, b) => compareStrings(order(a), order(b)))
    .forEach((taint, i) => {
      if (i !== 0) w.write(0, '\t');
      w.write(0, `${taintString(taint)}\n`);
    });
}

function tolerationString(t: Toleration): string {
  let text = t.key ?? '';
  if (t.value) text += `=${t.value}`;
  if (t.effect) text += `:${t.effect}`;
  // An Exists toleration without key and effect tolerates every taint.
  if (t.operator === 'Exists' && !t.value) text += t.key || t.effect ? ' op=Exists' : 'op=Exists';
  if (t.tolerationSeconds !== undefined) text += ` for ${t.tolerationSeconds}s`;
  return text;
}

export function writeTolerations(w: DescribeWriter, title: string, tolerations: Toleration[] | undefined, initialIndent = ''): void {
  w.write(0, `${initialIndent}${title}:\t`);
  if (!tolerations?.length) {
    w.line('<none>');
    return;
  }
  [...tolerations]
    .sort((a, b) => compareStrings(a.key ?? '', b.key ?? ''))
    .forEach((t, i) => {
      if (i !== 0) w.write(0, `${initialIndent}\t`);
      w.write(0, `${tolerationString(t)}\n`);
    });
}

/** `Kind/name` of the controlling owner, or undefined. */
function controllerOf(meta: ObjectMeta | undefined): string | undefined {
  const owner = (meta?.ownerReferences ?? []).find((r) => r.controller);
  return owner ? `${owner.kind ?? ''}/${owner.name ?? ''}` : undefined;
}

export function writeControlledBy(w: DescribeWriter, meta: ObjectMeta | undefined): void {
  const controller = controllerOf(meta);
  if (controller) w.write(0, `Controlled By:\t${controller}\n`);
}

/** The time an event is ordered by: its last occurrence, else when it was recorded. */
function eventTime(event: Event): number {
  return parseTimestamp(event.lastTimestamp) ?? parseTimestamp(event.eventTime) ?? parseTimestamp(event.firstTimestamp) ?? 0;
}

/** The Age cell: `5m`, or `2m (x4 over 10m)` for a repeated event. */
function eventInterval(event: Event, now: Date | number): string {
  const first = event.eventTime ? age(event.eventTime, now) : age(event.firstTimestamp, now);
  if ((event.count ?? 0) > 1) return `${age(event.lastTimestamp, now)} (x${event.count} over ${first})`;
  return first;
}

/** The Events table that ends describe output, oldest first; `Events:\t<none>` when there are none. */
export function writeEvents(w: DescribeWriter, events: readonly Event[], now: Date | number): void {
  if (events.length === 0) {
    w.write(0, 'Events:\t<none>\n');
    return;
  }
  w.write(0, 'Events:\n  Type\tReason\tAge\tFrom\tMessage\n');
  w.write(1, '----\t------\t----\t----\t-------\n');
  const sorted = events.map((e, i) => ({ e, i })).sort((a, b) => eventTime(a.e) - eventTime(b.e) || a.i - b.i);
  for (const { e } of sorted) {
    const from = e.source?.component || e.reportingComponent || '';
    w.write(1, `${e.type ?? ''}\t${e.reason ?? ''}\t${eventInterval(e, now)}\t${from}\t${(e.message ?? '').trim()}\n`);
  }
}

/** "Terminating (lasts 5m)" for an object being deleted. */
export function terminatingFor(deletionTimestamp: string, now: Date | number): string {
  const since = parseTimestamp(deletionTimestamp);
  return `Terminating (lasts ${since === undefined ? '<unknown>' : humanDuration(Number(now) - since)})`;
}
