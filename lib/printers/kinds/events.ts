import type { Event } from '../../api/generated/index.js';
import { age } from '../duration.js';
import type { KindPrinter, RowContext } from './types.js';

/** The component and host an event came from: `kubelet, node-1`, or just the component. */
function eventSource(event: Event): string {
  const component = event.source?.component || event.reportingComponent || '';
  const host = event.source?.host || event.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}

/** `kind/name` of the involved object, kind in lower case. */
function involvedObject(event: Event): string {
  const kind = (event.involvedObject?.kind ?? '').toLowerCase();
  const name = event.involvedObject?.name;
  return name ? `${kind}/${name}` : kind;
}

export const eventPrinter: KindPrinter<Event> = {
  columns: [
    { name: 'Last Seen' },
    { name: 'Type' },
    { name: 'Reason' },
    { name: 'Object' },
    { name: 'Subobject', wide: true },
    { name: 'Source', wide: true },
    { name: 'Message' },
    { name: 'First Seen', wide: true },
    { name: 'Count', wide: true },
    { name: 'Name', wide: true },
  ],
  cells(event: Event, { now }: RowContext): string[] {
    const firstSeen = event.firstTimestamp ? age(event.firstTimestamp, now) : age(event.eventTime, now);
    const lastSeen = event.lastTimestamp ? age(event.lastTimestamp, now) : firstSeen;
    return [
      lastSeen,
      event.type ?? '',
      event.reason ?? '',
      involvedObject(event),
      event.involvedObject?.fieldPath ?? '',
      eventSource(event),
      (event.message ?? '').trim(),
      firstSeen,
      // Events recorded with the newer API leave count unset: each is one occurrence.
      String(event.count || 1),
      event.metadata?.name ?? '',
    ];
  },
};
