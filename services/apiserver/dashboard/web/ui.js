// Shared pieces of the pages: the htm template tag, the watch hook, and small cells.
import { h } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import htm from 'htm';
import { watchCollection } from './api.js';

export const html = htm.bind(h);

/**
 * The objects of a collection, kept current by a watch while the component is shown.
 * Returns { items, error, loaded }; items sorted by namespace and name.
 */
export function useWatch(path) {
  const [state, setState] = useState({ items: [], error: undefined, loaded: false });
  useEffect(() => {
    if (!path) return undefined;
    setState({ items: [], error: undefined, loaded: false });
    const abort = new AbortController();
    const byKey = (a, b) => `${a.metadata.namespace ?? ''}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace ?? ''}/${b.metadata.name}`);
    void watchCollection(path, {
      signal: abort.signal,
      onChange: (items) => setState({ items: [...items.values()].sort(byKey), error: undefined, loaded: true }),
      onError: (error) => setState((s) => ({ ...s, error, loaded: true })),
    });
    return () => abort.abort();
  }, [path]);
  return state;
}

export function age(timestamp) {
  if (!timestamp) return '';
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(timestamp)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/** The apiserver's message for a failed call, as it sent it (with its causes, if any). */
export function ErrorBox({ error }) {
  if (!error) return null;
  const causes = error.status?.details?.causes ?? [];
  return html`<div class="error" role="alert">
    <div>${error.message}</div>
    ${causes.length > 0 && html`<ul>${causes.map((c) => html`<li>${c.field ? `${c.field}: ` : ''}${c.message}</li>`)}</ul>`}
  </div>`;
}

export function Table({ columns, rows, empty = 'None', testid }) {
  return html`<table data-testid=${testid}>
    <thead><tr>${columns.map((c) => html`<th>${c}</th>`)}</tr></thead>
    <tbody>${rows.length === 0 ? html`<tr><td class="muted" colspan=${columns.length}>${empty}</td></tr>` : rows}</tbody>
  </table>`;
}

export function Section({ title, error, children }) {
  return html`<section><h2>${title}</h2><${ErrorBox} error=${error} />${children}</section>`;
}

/** A delete button that asks once more in place (no browser dialog). */
export function DeleteButton({ onDelete, label = 'Delete' }) {
  const [armed, setArmed] = useState(false);
  useEffect(() => {
    if (!armed) return undefined;
    const timer = setTimeout(() => setArmed(false), 4000);
    return () => clearTimeout(timer);
  }, [armed]);
  return armed
    ? html`<button class="danger" onClick=${() => { setArmed(false); onDelete(); }}>Confirm ${label.toLowerCase()}</button>`
    : html`<button onClick=${() => setArmed(true)}>${label}</button>`;
}
