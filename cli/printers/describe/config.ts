import type { ConfigMap, Secret } from '../../../lib/api/generated/index.js';
import { compareStrings } from '../../../lib/printers/order.js';
import type { DescribeOptions } from './pod.js';
import { writeAnnotations, writeEvents, writeLabels } from './sections.js';
import { DescribeWriter } from './writer.js';

const sortedKeys = (map: object | undefined): string[] => Object.keys(map ?? {}).sort(compareStrings);

/**
 * `kubectl describe secret`: only the size of each value is shown, never the value, except the token
 * of a service-account token secret, which kubectl prints.
 */
export function describeSecret(secret: Secret): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${secret.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${secret.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', secret.metadata?.labels);
  writeAnnotations(w, 'Annotations', secret.metadata?.annotations);
  w.write(0, `\nType:\t${secret.type ?? ''}\n`);
  w.write(0, '\nData\n====\n');
  for (const key of sortedKeys(secret.data)) {
    const value = secret.data![key]!;
    if (key === 'token' && secret.type === 'kubernetes.io/service-account-token') w.write(0, `${key}:\t${Buffer.from(value).toString()}\n`);
    else w.write(0, `${key}:\t${value.length} bytes\n`);
  }
  return w.toString();
}

/** `kubectl describe configmap`: every value in full under its key, binary values by size. */
export function describeConfigMap(cm: ConfigMap, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${cm.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${cm.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', cm.metadata?.labels);
  writeAnnotations(w, 'Annotations', cm.metadata?.annotations);
  w.write(0, '\nData\n====\n');
  for (const key of sortedKeys(cm.data)) {
    w.write(0, `${key}:\n----\n`);
    w.write(0, `${cm.data![key]}\n`);
    w.write(0, '\n');
  }
  w.write(0, '\nBinaryData\n====\n');
  for (const key of sortedKeys(cm.binaryData)) w.write(0, `${key}: ${cm.binaryData![key]!.length} bytes\n`);
  w.write(0, '\n');
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
