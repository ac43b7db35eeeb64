import type { ServiceAccount } from '../../../lib/api/generated/index.js';
import type { DescribeOptions } from './pod.js';
import { writeAnnotations, writeEvents, writeLabels } from './sections.js';
import { DescribeWriter } from './writer.js';

/** Names as kubectl lists them: one per line, aligned under the first, or `<none>`. */
function writeNames(w: DescribeWriter, title: string, names: string[]): void {
  if (names.length === 0) {
    w.write(0, `${title}:\t<none>\n`);
    return;
  }
  names.forEach((name, i) => w.write(0, i === 0 ? `${title}:\t${name}\n` : `\t${name}\n`));
}

/** `kubectl describe serviceaccount`: its pull secrets and mountable secrets (tokens are requested, not stored). */
export function describeServiceAccount(sa: ServiceAccount, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${sa.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${sa.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', sa.metadata?.labels);
  writeAnnotations(w, 'Annotations', sa.metadata?.annotations);
  writeNames(w, 'Image pull secrets', (sa.imagePullSecrets ?? []).map((s) => s.name ?? ''));
  writeNames(w, 'Mountable secrets', (sa.secrets ?? []).map((s) => s.name ?? ''));
  w.write(0, 'Tokens:\t<none>\n');
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
