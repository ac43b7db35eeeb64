// The Kubernetes HTTP API as the page uses it: every call carries the logged-in user's token, so
// the cluster's authorization applies to the page exactly as to the CLI. Lists are kept current
// with watches (a streamed response of JSON lines), never by polling.

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

/** Reads a streamed response line by line until it ends or the signal aborts. */
export async function streamLines(res, onLine) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const lines = (rest + value).split('\n');
    rest = lines.pop();
    for (const line of lines) if (line) onLine(line);
  }
  if (rest) onLine(rest);
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
 * Keeps a collection current: a list, then a watch from the list's resourceVersion; the list
 * again when the watch ends or its version is gone (410). onChange gets the objects by uid after
 * every change, onError the failure (Forbidden stays an answer; other failures are retried).
 */
export async function watchCollection(path, { onChange, onError, signal }) {
  while (!signal.aborted) {
    try {
      const list = await api(path, { signal });
      const items = new Map(list.items.map((o) => [o.metadata.uid, o]));
      onChange(items);
      const sep = path.includes('?') ? '&' : '?';
      const res = await fetch(`${path}${sep}watch=1&allowWatchBookmarks=true&resourceVersion=${list.metadata.resourceVersion}`, {
        signal,
        headers: { Authorization: `Bearer ${session.token}` },
      });
      if (!res.ok) throw await failure(res);
      await streamLines(res, (line) => {
        const event = JSON.parse(line);
        if (event.type === 'ERROR') throw new ApiFailure(event.object.code, event.object);
        if (event.type === 'BOOKMARK') return;
        if (event.type === 'DELETED') items.delete(event.object.metadata.uid);
        else items.set(event.object.metadata.uid, event.object);
        onChange(items);
      });
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
