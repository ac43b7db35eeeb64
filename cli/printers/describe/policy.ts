import type { PodDisruptionBudget } from '../../../lib/api/generated/index.js';
import { intOrPercentCell } from '../../../lib/printers/kinds/policy.js';
import { formatLabelSelector } from '../../../lib/printers/labels.js';
import type { DescribeOptions } from './pod.js';
import { writeEvents } from './sections.js';
import { DescribeWriter } from './writer.js';

/** `kubectl describe poddisruptionbudget`: the budget (minAvailable before maxUnavailable), its selector and its counts. */
export function describePodDisruptionBudget(pdb: PodDisruptionBudget, options: DescribeOptions): string {
  const w = new DescribeWriter();
  const spec = pdb.spec ?? {};
  const status = pdb.status ?? {};
  w.write(0, `Name:\t${pdb.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${pdb.metadata?.namespace ?? ''}\n`);
  if (spec.minAvailable) w.write(0, `Min available:\t${intOrPercentCell(spec.minAvailable)}\n`);
  else if (spec.maxUnavailable) w.write(0, `Max unavailable:\t${intOrPercentCell(spec.maxUnavailable)}\n`);
  w.write(0, `Selector:\t${spec.selector ? formatLabelSelector(spec.selector) : '<unset>'}\n`);
  w.write(0, 'Status:\n');
  w.write(2, `Allowed disruptions:\t${status.disruptionsAllowed ?? 0}\n`);
  w.write(2, `Current:\t${status.currentHealthy ?? 0}\n`);
  w.write(2, `Desired:\t${status.desiredHealthy ?? 0}\n`);
  w.write(2, `Total:\t${status.expectedPods ?? 0}\n`);
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
