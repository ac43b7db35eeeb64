import type { PriorityClass } from '../../../lib/api/generated/index.js';
import { formatLabels } from '../../../lib/printers/labels.js';
import type { DescribeOptions } from './pod.js';
import { writeEvents } from './sections.js';
import { DescribeWriter } from './writer.js';

/** `kubectl describe priorityclass`: annotations on one line as `k=v` pairs, as kubectl prints them here. */
export function describePriorityClass(pc: PriorityClass, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${pc.metadata?.name ?? ''}\n`);
  w.write(0, `Value:\t${pc.value ?? 0}\n`);
  w.write(0, `GlobalDefault:\t${pc.globalDefault ?? false}\n`);
  w.write(0, `PreemptionPolicy:\t${pc.preemptionPolicy ?? ''}\n`);
  w.write(0, `Description:\t${pc.description ?? ''}\n`);
  w.write(0, `Annotations:\t${formatLabels(pc.metadata?.annotations)}\n`);
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
