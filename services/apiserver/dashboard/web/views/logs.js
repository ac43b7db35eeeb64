import { useEffect, useRef, useState } from 'preact/hooks';
import { api, streamText } from '../api.js';
import { ErrorBox, html, Section } from '../ui.js';

// A pod's log, followed as it grows (the kubelet's stream relayed by the apiserver).

const TAIL_LINES = 500;
/** Characters kept on the page; the oldest go first. */
const MAX_CHARS = 500_000;

export function LogsPage({ namespace, name }) {
  const [pod, setPod] = useState(undefined);
  const [container, setContainer] = useState('');
  const [text, setText] = useState('');
  const [error, setError] = useState(undefined);
  const [following, setFollowing] = useState(false);
  const pre = useRef(undefined);

  useEffect(() => {
    api(`/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}`).then((p) => {
      setPod(p);
      setContainer(p.spec.containers[0]?.name ?? '');
    }, setError);
  }, [namespace, name]);

  useEffect(() => {
    if (!container) return undefined;
    const abort = new AbortController();
    setText('');
    setError(undefined);
    setFollowing(true);
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log?follow=true&tailLines=${TAIL_LINES}&container=${encodeURIComponent(container)}`;
    streamText(path, (chunk) => setText((t) => (t + chunk).slice(-MAX_CHARS)), abort.signal)
      .catch((err) => abort.signal.aborted || setError(err))
      .finally(() => abort.signal.aborted || setFollowing(false));
    return () => abort.abort();
  }, [namespace, name, container]);

  useEffect(() => {
    if (pre.current) pre.current.scrollTop = pre.current.scrollHeight;
  }, [text]);

  const containers = pod?.spec?.containers ?? [];
  return html`<${Section} title=${`Logs of ${namespace}/${name}`}>
    <${ErrorBox} error=${error} />
    <div class="toolbar">
      ${containers.length > 1 && html`<select aria-label="container" value=${container} onChange=${(e) => setContainer(e.currentTarget.value)}>
        ${containers.map((c) => html`<option value=${c.name}>${c.name}</option>`)}
      </select>`}
      <span class="muted">${following ? 'following' : 'stream ended'}</span>
    </div>
    <pre class="logs" data-testid="logs" ref=${pre}>${text}</pre>
  <//>`;
}
