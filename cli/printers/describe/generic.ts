import { toKubeJSON } from '../../../lib/api/json.js';
import type { AnyObject, ResourceInfo } from '../../../lib/api/resources.js';
import { compareStrings } from '../../../lib/printers/order.js';
import type { DescribeOptions } from './pod.js';
import { writeAnnotations, writeEvents, writeLabels } from './sections.js';
import { DescribeWriter } from './writer.js';

// kubectl's generic describer, used for kinds without a dedicated one: name, namespace, labels and
// annotations, then every field of the object's JSON with "smart" labels (creationTimestamp →
// "Creation Timestamp"), nested maps indented, list items one after another.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const ACRONYMS = new Set(['API', 'URL', 'UID', 'OSB', 'GUID']);

function characterClass(ch: string): 'lower' | 'upper' | 'digit' | 'other' {
  if (/\p{Ll}/u.test(ch)) return 'lower';
  if (/\p{Lu}/u.test(ch)) return 'upper';
  if (/\p{Nd}/u.test(ch)) return 'digit';
  return 'other';
}

/** Splits camelCase into words; an upper-case run gives its last letter to a following word ("HTTPServer" → HTTP, Server). */
export function splitCamelCase(text: string): string[] {
  const runs: string[] = [];
  let previous: string | undefined;
  for (const ch of text) {
    const cls = characterClass(ch);
    if (cls === previous) runs[runs.length - 1] += ch;
    else runs.push(ch);
    previous = cls;
  }
  for (let i = 0; i < runs.length - 1; i++) {
    if (characterClass(runs[i]![0]!) === 'upper' && characterClass(runs[i + 1]![0]!) === 'lower') {
      runs[i + 1] = runs[i]!.slice(-1) + runs[i + 1]!;
      runs[i] = runs[i]!.slice(0, -1);
    }
  }
  return runs.filter((r) => r.length > 0);
}

/** The label kubectl shows for a field: words of the camelCase name, capitalised; other keys as they are. */
export function smartLabel(field: string): string {
  if (/[^\p{L}-]/u.test(field)) return field;
  return splitCamelCase(field)
    .filter((part) => part !== '_')
    .map((part) => (ACRONYMS.has(part.toUpperCase()) ? part.toUpperCase() : part.charAt(0).toUpperCase() + part.slice(1)))
    .join(' ');
}

const SKIPPED = new Set(['.metadata.managedFields', '.metadata.name', '.metadata.namespace', '.metadata.labels', '.metadata.annotations']);

function isObject(value: Json): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function writeContent(w: DescribeWriter, level: number, content: { [key: string]: Json }, prefix: string): void {
  for (const field of Object.keys(content).sort(compareStrings)) {
    const path = `${prefix}.${field}`;
    if (SKIPPED.has(path)) continue;
    const value = content[field]!;
    if (isObject(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      writeContent(w, level + 1, value, path);
    } else if (Array.isArray(value)) {
      w.write(level, `${smartLabel(field)}:\n`);
      for (const item of value) {
        if (isObject(item)) writeContent(w, level + 1, item, path);
        else w.write(level + 1, `${String(item)}\n`);
      }
    } else {
      w.write(level, `${smartLabel(field)}:\t${String(value)}\n`);
    }
  }
}

/** `kubectl describe` for a kind without its own describer. */
export function describeGeneric(info: ResourceInfo, object: AnyObject, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${object.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${object.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', object.metadata?.labels);
  writeAnnotations(w, 'Annotations', object.metadata?.annotations);
  writeContent(w, 0, toKubeJSON(info, object) as { [key: string]: Json }, '');
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
