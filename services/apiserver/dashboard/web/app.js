import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, session } from './api.js';
import { ErrorBox, html, useWatch } from './ui.js';
import { CreatePage } from './views/create.js';
import { EventsPage } from './views/events.js';
import { LogsPage } from './views/logs.js';
import { NamespacesPage } from './views/namespaces.js';
import { NetworkPage } from './views/network.js';
import { NodesPage } from './views/nodes.js';
import { WorkloadsPage } from './views/workloads.js';

// The dashboard's shell: the token login, the namespace picker and the pages, one per hash
// route (#/workloads, #/logs/<ns>/<pod>, ...), so the browser's back button and links work
// without a server-side router.

const PAGES = [
  ['workloads', 'Workloads'],
  ['network', 'Services & Ingresses'],
  ['events', 'Events'],
  ['nodes', 'Nodes'],
  ['namespaces', 'Namespaces'],
  ['create', 'Create'],
];
const NAMESPACE_KEY = 'kubets-dashboard-namespace';

function useHashRoute() {
  const read = () => location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const changed = () => setRoute(read());
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}

function Login({ onLogin }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(undefined);
  async function submit(e) {
    e.preventDefault();
    try {
      // Any authenticated user may read the API's discovery document: a refusal here is the token's.
      await api('/api', { token: token.trim() });
      onLogin(token.trim());
    } catch (err) {
      setError(err.code === 401 ? Object.assign(new Error(`Login refused: ${err.message}`), { status: undefined }) : err);
    }
  }
  return html`<form class="login" onSubmit=${submit}>
    <h1>kubets</h1>
    <label for="token">Bearer token</label>
    <input id="token" type="password" autocomplete="off" data-testid="token" value=${token} onInput=${(e) => setToken(e.currentTarget.value)} />
    <button type="submit" data-testid="login" disabled=${!token.trim()}>Log in</button>
    <${ErrorBox} error=${error} />
    <p class="muted">The admin token is in the cluster's client config; for a narrower one, <code>kubets create token SERVICEACCOUNT -n NAMESPACE</code> for a ServiceAccount bound to a role.</p>
  </form>`;
}

function NamespacePicker({ namespace, onPick }) {
  const namespaces = useWatch('/api/v1/namespaces');
  const names = namespaces.items.map((n) => n.metadata.name);
  if (namespace && !names.includes(namespace)) names.unshift(namespace);
  return html`<select aria-label="namespace" data-testid="namespace" value=${namespace} onChange=${(e) => onPick(e.currentTarget.value)}>
    <option value="">all namespaces</option>
    ${names.map((n) => html`<option value=${n}>${n}</option>`)}
  </select>`;
}

function Page({ route, namespace, onPick }) {
  const [page, ...args] = route;
  switch (page) {
    case 'network': return html`<${NetworkPage} namespace=${namespace} />`;
    case 'events': return html`<${EventsPage} namespace=${namespace} />`;
    case 'nodes': return html`<${NodesPage} />`;
    case 'namespaces': return html`<${NamespacesPage} onPick=${onPick} />`;
    case 'create': return html`<${CreatePage} namespace=${namespace} />`;
    case 'logs': return html`<${LogsPage} key=${args.join('/')} namespace=${args[0]} name=${args[1]} />`;
    default: return html`<${WorkloadsPage} namespace=${namespace} />`;
  }
}

function App() {
  const [token, setToken] = useState(session.token);
  const [namespace, setNamespace] = useState(sessionStorage.getItem(NAMESPACE_KEY) ?? 'default');
  const route = useHashRoute();
  const login = (t) => { session.set(t); setToken(t); };
  const pick = (ns) => { sessionStorage.setItem(NAMESPACE_KEY, ns); setNamespace(ns); };
  if (!token) return html`<${Login} onLogin=${login} />`;
  const current = route[0] || 'workloads';
  return html`<div class="shell">
    <header>
      <strong>kubets</strong>
      <nav>${PAGES.map(([id, title]) => html`<a href=${`#/${id}`} class=${current === id ? 'active' : ''} data-testid=${`nav-${id}`}>${title}</a>`)}</nav>
      <${NamespacePicker} namespace=${namespace} onPick=${pick} />
      <button data-testid="logout" onClick=${() => login('')}>Log out</button>
    </header>
    <main><${Page} route=${route} namespace=${namespace} onPick=${pick} /></main>
  </div>`;
}

render(html`<${App} />`, document.getElementById('app'));
