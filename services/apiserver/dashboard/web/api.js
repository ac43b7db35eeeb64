// The Kubernetes HTTP API as the page uses it: every call carries the logged-in user's token, so
// the cluster's authorization applies to the page exactly as to the CLI. Lists are kept current
// with watches, never by polling.

const TOKEN_KEY = 'kubets-dashboard-token';

export const session = {
  token: sessionStorage.getItem(TOKEN_KEY) ?? '',
  set(token) {
    this.token = token;
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  },
};

/** An API refusal or failure, with the apiserver's Status message as it sent it. */
export class ApiFailure extends Error {
  constructor(code, status) {
    super(status?.message || `HTTP ${code}`);
    this.code = code;
    this.status = status;
  }
}

async function failure(res) {
  const text = await res.text();
  let status;
  try {
    status = JSON.parse(text);
  } catch {
    status = { message: text || res.statusText };
  }
  return new ApiFailure(res.status, status);
}

/** A request to the API; resolves to the parsed JSON answer, rejects with ApiFailure. */
export async function api(path, { method = 'GET', body, type = 'application/json', signal, token = session.token } = {}) {
  const res = await fetch(path, {
    method,
    signal,
    headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body !== undefined && { 'Content-Type': type }) },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res);
  const warnings = res.headers.get('Warning');
  const text = await res.text();
  const parsed = text && res.headers.get('Content-Type')?.includes('json') ? JSON.parse(text) : text;
  return warnings ? Object.assign(parsed, { warnings: warnings.split(/,\s*(?=299 )/) }) : parsed;
}

/** Streams a text response (pod logs) chunk by chunk. */
export async function streamText(path, onText, signal) {
  const res = await fetch(path, { signal, headers: { Authorization: `Bearer ${session.token}` } });
  if (!res.ok) throw await failure(res);
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    onText(value);
  }
}

const RETRY_MS = 2000;
const sleep = (ms, signal) => new Promise((resolve) => {
  const timer = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
});

/**
 * A watch over WebSocket, as the apiserver serves one to browsers: one WatchEvent per message.
 * A browser holds only six HTTP/1.1 connections per server, so a page of several live lists
 * cannot hold a streamed response open for each; WebSockets do not count against that. The
 * token travels as a subprotocol (a browser cannot set headers on a WebSocket).
 */
function watchSocket(path, onEvent, signal) {
  return new Promise((resolve, reject) => {
    const token = btoa(session.token).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const ws = new WebSocket(`wss://${location.host}${path}`, ['binary.k8s.io', `base64url.bearer.authorization.k8s.io.${token}`]);
    ws.binaryType = 'arraybuffer';
    const decoder = new TextDecoder();
    const stop = () => ws.close();
    signal.addEventListener('abort', stop, { once: true });
    ws.onmessage = (message) => {
      try {
        onEvent(JSON.parse(decoder.decode(message.data)));
      } catch (err) {
        ws.onclose = null;
        ws.close();
        reject(err);
      }
    };
    ws.onerror = () => reject(new Error('the watch connection failed'));
    ws.onclose = () => {
      signal.removeEventListener('abort', stop);
      resolve();
    };
  });
}

/**
 * Keeps a collection current: a list, then a watch from the list's resourceVersion; the list
 * again when the watch ends or its version is gone (410). onChange gets the objects by uid after
 * every change, onError the failure (401 and 403 end it; other failures are retried).
 */
export async function watchCollection(path, { onChange, onError, signal }) {
  while (!signal.aborted) {
    try {
      const list = await api(path, { signal });
      const items = new Map(list.items.map((o) => [o.metadata.uid, o]));
      onChange(items);
      const sep = path.includes('?') ? '&' : '?';
      await watchSocket(`${path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${list.metadata.resourceVersion}`, (event) => {
        if (event.type === 'ERROR') throw new ApiFailure(event.object.code, event.object);
        if (event.type === 'BOOKMARK') return;
        if (event.type === 'DELETED') items.delete(event.object.metadata.uid);
        else items.set(event.object.metadata.uid, event.object);
        onChange(items);
      }, signal);
    } catch (err) {
      if (signal.aborted) return;
      if (!(err instanceof ApiFailure && err.code === 410)) onError(err);
      if (err instanceof ApiFailure && (err.code === 401 || err.code === 403)) return;
      await sleep(RETRY_MS, signal);
    }
  }
}

/** The collection path of a resource: /api/v1/... for the core group, /apis/<group>/<version>/... otherwise. */
export function collectionPath(apiVersion, resource, namespace) {
  const root = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  return namespace ? `${root}/namespaces/${encodeURIComponent(namespace)}/${resource}` : `${root}/${resource}`;
}

export function objectPath(apiVersion, resource, namespace, name) {
  return `${collectionPath(apiVersion, resource, namespace)}/${encodeURIComponent(name)}`;
}
