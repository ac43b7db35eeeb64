import type { EndpointSlice, Endpoints } from '../../../lib/api/generated/index.js';
import type { DescribeOptions } from './pod.js';
import { writeAnnotations, writeEvents, writeLabels } from './sections.js';
import { DescribeWriter } from './writer.js';

// `kubectl describe endpoints` and `kubectl describe endpointslice`.

const orNone = (text: string): string => text || '<none>';
const orUnset = (value: string | number | boolean | undefined | null): string => (value === undefined || value === null ? '<unset>' : String(value));

export function describeEndpoints(ep: Endpoints, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${ep.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${ep.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', ep.metadata?.labels);
  writeAnnotations(w, 'Annotations', ep.metadata?.annotations);
  w.write(0, 'Subsets:\n');
  for (const subset of ep.subsets ?? []) {
    w.write(1, `Addresses:\t${orNone((subset.addresses ?? []).map((a) => a.ip ?? '').join(','))}\n`);
    w.write(1, `NotReadyAddresses:\t${orNone((subset.notReadyAddresses ?? []).map((a) => a.ip ?? '').join(','))}\n`);
    if (subset.ports?.length) {
      w.write(1, 'Ports:\n');
      w.write(2, 'Name\tPort\tProtocol\n');
      w.write(2, '----\t----\t--------\n');
      for (const port of subset.ports) w.write(2, `${port.name || '<unset>'}\t${port.port ?? 0}\t${port.protocol ?? ''}\n`);
    }
    w.write(0, '\n');
  }
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}

export function describeEndpointSlice(slice: EndpointSlice, options: DescribeOptions): string {
  const w = new DescribeWriter();
  w.write(0, `Name:\t${slice.metadata?.name ?? ''}\n`);
  w.write(0, `Namespace:\t${slice.metadata?.namespace ?? ''}\n`);
  writeLabels(w, 'Labels', slice.metadata?.labels);
  writeAnnotations(w, 'Annotations', slice.metadata?.annotations);
  w.write(0, `AddressType:\t${slice.addressType ?? ''}\n`);
  if (!slice.ports?.length) {
    w.write(0, 'Ports: <unset>\n');
  } else {
    w.write(0, 'Ports:\n');
    w.write(1, 'Name\tPort\tProtocol\n');
    w.write(1, '----\t----\t--------\n');
    for (const port of slice.ports) w.write(1, `${port.name || '<unset>'}\t${orUnset(port.port)}\t${port.protocol ?? ''}\n`);
  }
  if (!slice.endpoints?.length) {
    w.write(0, 'Endpoints: <none>\n');
  } else {
    w.write(0, 'Endpoints:\n');
    for (const endpoint of slice.endpoints) {
      w.write(1, `- Addresses:\t${orNone((endpoint.addresses ?? []).join(', '))}\n`);
      w.write(2, 'Conditions:\n');
      w.write(3, `Ready:\t${orUnset(endpoint.conditions?.ready)}\n`);
      w.write(2, `Hostname:\t${orUnset(endpoint.hostname)}\n`);
      if (endpoint.targetRef) w.write(2, `TargetRef:\t${endpoint.targetRef.kind ?? ''}/${endpoint.targetRef.name ?? ''}\n`);
      w.write(2, `NodeName:\t${orUnset(endpoint.nodeName)}\n`);
      w.write(2, `Zone:\t${orUnset(endpoint.zone)}\n`);
    }
  }
  if (options.events) writeEvents(w, options.events, options.now);
  return w.toString();
}
