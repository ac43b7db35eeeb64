import { useState } from 'preact/hooks';
import { api, ApiFailure, collectionPath } from '../api.js';
import { html, Section } from '../ui.js';

// Create from pasted YAML, like `kubets create -f`: every document is sent as it is, with the
// same strict field validation, and a refusal reads as the CLI prints it. The YAML parser is
// loaded only when this page is used.

/** The resource (plural name, namespaced) of a kind, from the API's own discovery document. */
const discovery = new Map();
async function resourceOf(apiVersion, kind) {
  if (!discovery.has(apiVersion)) discovery.set(apiVersion, api(apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`));
  let list;
  try {
    list = await discovery.get(apiVersion);
  } catch (err) {
    discovery.delete(apiVersion);
    if (err instanceof ApiFailure && err.code === 404) throw new Error(`no matches for kind "${kind}" in version "${apiVersion}"`);
    throw err;
  }
  const resource = list.resources.find((r) => r.kind === kind && !r.name.includes('/'));
  if (!resource) throw new Error(`no matches for kind "${kind}" in version "${apiVersion}"`);
  return resource;
}

/** A refusal in the CLI's words: an Invalid object's causes one per line, else `Error from server (Reason): message`. */
export function cliMessage(err) {
  const s = err instanceof ApiFailure ? err.status : undefined;
  if (!s?.reason) return `error: ${err.message}`;
  if (s.reason === 'Invalid') {
    const d = s.details ?? {};
    const head = d.kind || d.name ? `The ${d.kind ?? ''} "${d.name ?? ''}" is invalid` : 'The request is invalid';
    const lines = (d.causes ?? []).map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : c.message ?? ''));
    if (lines.length === 0) return head;
    return lines.length === 1 ? `${head}: ${lines[0]}` : `${head}: \n${lines.map((l) => `* ${l}`).join('\n')}`;
  }
  return `Error from server (${s.reason}): ${s.message}`;
}

async function createOne(object, namespace) {
  if (!object || typeof object !== 'object') throw new Error('error validating data: the document is not an object');
  if (!object.apiVersion) throw new Error('error validating data: apiVersion not set');
  if (!object.kind) throw new Error('error validating data: kind not set');
  const resource = await resourceOf(object.apiVersion, object.kind);
  const ns = resource.namespaced ? object.metadata?.namespace || namespace || 'default' : undefined;
  const created = await api(`${collectionPath(object.apiVersion, resource.name, ns)}?fieldValidation=Strict`, { method: 'POST', body: object });
  const group = object.apiVersion.includes('/') ? `.${object.apiVersion.split('/')[0]}` : '';
  return [...(created.warnings ?? []).map((w) => `Warning: ${w.replace(/^299 - "(.*)"$/, '$1')}`), `${resource.singularName || object.kind.toLowerCase()}${group}/${created.metadata.name} created`];
}

export function CreatePage({ namespace }) {
  const [text, setText] = useState('');
  const [output, setOutput] = useState([]);
  const [busy, setBusy] = useState(false);

  async function create() {
    setBusy(true);
    const lines = [];
    try {
      const { parseAllDocuments } = await import('yaml');
      for (const doc of parseAllDocuments(text)) {
        if (doc.errors.length > 0) {
          lines.push({ error: true, text: `error: error parsing YAML: ${doc.errors[0].message}` });
          continue;
        }
        const object = doc.toJS();
        if (object === null) continue;
        try {
          for (const line of await createOne(object, namespace)) lines.push({ error: line.startsWith('Warning:'), text: line });
        } catch (err) {
          lines.push({ error: true, text: cliMessage(err) });
        }
      }
    } finally {
      setOutput(lines);
      setBusy(false);
    }
  }

  return html`<${Section} title="Create from YAML">
    <p class="muted">One or more documents separated by <code>---</code>; namespaced objects without a namespace go to ${namespace || 'default'}.</p>
    <textarea data-testid="yaml" spellcheck="false" rows="20" value=${text} onInput=${(e) => setText(e.currentTarget.value)}></textarea>
    <div class="toolbar"><button data-testid="create" disabled=${busy || !text.trim()} onClick=${create}>Create</button></div>
    <pre class="output" data-testid="create-output">${output.map((l) => html`<div class=${l.error ? 'error-line' : ''}>${l.text}</div>`)}</pre>
  <//>`;
}
