import { collectionPath } from '../api.js';
import { age, html, Section, Table, useWatch } from '../ui.js';

const when = (e) => e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;

export function EventsPage({ namespace }) {
  const events = useWatch(collectionPath('v1', 'events', namespace));
  const newest = [...events.items].sort((a, b) => Date.parse(when(b) ?? 0) - Date.parse(when(a) ?? 0));
  const rows = newest.map((e) => html`<tr key=${e.metadata.uid}>
    <td>${age(when(e))}</td>
    <td><span class=${`tag ${e.type === 'Warning' ? 'bad' : 'ok'}`}>${e.type}</span></td>
    <td>${e.reason}</td>
    <td>${namespace ? '' : `${e.metadata.namespace}/`}${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}</td>
    <td>${e.message}</td>
    <td>${e.count ?? 1}</td>
  </tr>`);
  return html`<${Section} title="Events" error=${events.error}>
    <${Table} testid="events" columns=${['Last seen', 'Type', 'Reason', 'Object', 'Message', 'Count']} rows=${rows} />
  <//>`;
}
