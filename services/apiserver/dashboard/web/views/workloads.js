import { useState } from 'preact/hooks';
import { api, collectionPath, objectPath } from '../api.js';
import { age, DeleteButton, ErrorBox, html, Section, Table, useWatch } from '../ui.js';

// The workloads of a namespace, each with its pods (followed through owner references, so a
// Deployment shows the pods of its ReplicaSets), and the actions kubectl users reach for:
// scale, restart a rollout, delete.

const KINDS = [
  { kind: 'Deployment', apiVersion: 'apps/v1', resource: 'deployments', scale: true, restart: true },
  { kind: 'ReplicationController', apiVersion: 'v1', resource: 'replicationcontrollers', scale: true },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', resource: 'replicasets', scale: true },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', resource: 'daemonsets', restart: true },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', resource: 'statefulsets', scale: true, restart: true },
  { kind: 'Job', apiVersion: 'batch/v1', resource: 'jobs' },
];

/** Desired and ready counts, as `kubectl get` shows them per kind. */
function readiness(kind, o) {
  const s = o.status ?? {};
  switch (kind) {
    case 'DaemonSet': return `${s.numberReady ?? 0}/${s.desiredNumberScheduled ?? 0}`;
    case 'Job': return `${s.succeeded ?? 0}/${o.spec?.completions ?? 1}`;
    default: return `${s.readyReplicas ?? 0}/${o.spec?.replicas ?? 0}`;
  }
}

/** The workload's own verdict: a Deployment's conditions, a Job's, or the rollout in numbers. */
function status(kind, o) {
  const conditions = (o.status?.conditions ?? []).filter((c) => c.status === 'True' || c.type === 'Available');
  if (conditions.length > 0) return conditions.map((c) => html`<span class=${`tag ${c.type === 'Failed' || c.status !== 'True' ? 'bad' : 'ok'}`} title=${c.message ?? ''}>${c.type}${c.status === 'True' ? '' : `=${c.status}`}</span>`);
  if (kind === 'Job') return o.status?.active ? `${o.status.active} active` : '';
  return o.status?.updatedReplicas !== undefined ? `${o.status.updatedReplicas} up to date` : '';
}

/** What a pod shows as its status: a container's waiting or terminated reason before the phase, as kubectl does. */
export function podStatus(pod) {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  for (const c of pod.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) return c.state.waiting.reason;
    if (c.state?.terminated?.reason && pod.status?.phase === 'Running') return c.state.terminated.reason;
  }
  return pod.status?.reason ?? pod.status?.phase ?? 'Pending';
}

function podReady(pod) {
  const statuses = pod.status?.containerStatuses ?? [];
  return `${statuses.filter((c) => c.ready).length}/${pod.spec?.containers?.length ?? statuses.length}`;
}

function ScaleControl({ kind, o, onError }) {
  const [replicas, setReplicas] = useState(String(o.spec?.replicas ?? 0));
  const scale = () => api(`${objectPath(kind.apiVersion, kind.resource, o.metadata.namespace, o.metadata.name)}/scale`, {
    method: 'PATCH', type: 'application/merge-patch+json', body: { spec: { replicas: Number(replicas) } },
  }).then(() => onError(undefined), onError);
  return html`<span class="scale">
    <input type="number" min="0" value=${replicas} aria-label="replicas" data-testid=${`scale-${o.metadata.name}`} onInput=${(e) => setReplicas(e.currentTarget.value)} />
    <button data-testid=${`scale-button-${o.metadata.name}`} onClick=${scale}>Scale</button>
  </span>`;
}

/** kubectl rollout restart: a new template annotation makes the controller roll every pod. */
function restart(kind, o) {
  const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } };
  return api(objectPath(kind.apiVersion, kind.resource, o.metadata.namespace, o.metadata.name), { method: 'PATCH', type: 'application/strategic-merge-patch+json', body });
}

function remove(apiVersion, resource, o) {
  // Background: the garbage collector removes what the object owns, as kubectl delete does.
  return api(objectPath(apiVersion, resource, o.metadata.namespace, o.metadata.name), { method: 'DELETE', body: { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background' } });
}

function PodLink({ pod }) {
  const bad = !['Running', 'Completed', 'Succeeded'].includes(podStatus(pod));
  return html`<a class=${`pod ${bad ? 'bad' : 'ok'}`} data-testid="workload-pod" href=${`#/logs/${encodeURIComponent(pod.metadata.namespace)}/${encodeURIComponent(pod.metadata.name)}`} title="logs">${pod.metadata.name} <small>${podStatus(pod)}</small></a>`;
}

function WorkloadTable({ kind, namespace, podsOf }) {
  const watched = useWatch(collectionPath(kind.apiVersion, kind.resource, namespace));
  const [error, setError] = useState(undefined);
  const act = (p) => p.then(() => setError(undefined), setError);
  if (watched.items.length === 0 && !watched.error) return null;
  const rows = watched.items.flatMap((o) => {
    const pods = podsOf(o.metadata.uid);
    return [
      html`<tr key=${o.metadata.uid} data-testid=${`workload-${kind.kind}-${o.metadata.name}`}>
        <td>${namespace ? '' : `${o.metadata.namespace}/`}${o.metadata.name}</td>
        <td data-testid="ready">${readiness(kind.kind, o)}</td>
        <td>${status(kind.kind, o)}</td>
        <td class="images">${(o.spec?.template?.spec?.containers ?? []).map((c) => c.image).join(', ')}</td>
        <td>${age(o.metadata.creationTimestamp)}</td>
        <td class="actions">
          ${kind.scale && html`<${ScaleControl} key=${o.spec?.replicas} kind=${kind} o=${o} onError=${setError} />`}
          ${kind.restart && html`<button onClick=${() => act(restart(kind, o))}>Restart</button>`}
          <${DeleteButton} onDelete=${() => act(remove(kind.apiVersion, kind.resource, o))} />
        </td>
      </tr>`,
      html`<tr key=${`${o.metadata.uid}-pods`} class="pods-row"><td colspan="6" data-testid=${`pods-of-${o.metadata.name}`}>
        ${pods.length === 0 ? html`<span class="muted">no pods</span>` : pods.map((p) => html`<${PodLink} key=${p.metadata.uid} pod=${p} />`)}
      </td></tr>`,
    ];
  });
  return html`<${Section} title=${`${kind.kind}s`} error=${watched.error}>
    <${ErrorBox} error=${error} />
    <${Table} testid=${`workloads-${kind.kind}`} columns=${['Name', 'Ready', 'Status', 'Images', 'Age', '']} rows=${rows} />
  <//>`;
}

function PodTable({ pods, namespace, error }) {
  const [failure, setFailure] = useState(undefined);
  const rows = pods.map((p) => html`<tr key=${p.metadata.uid} data-testid=${`pod-${p.metadata.name}`}>
    <td>${namespace ? '' : `${p.metadata.namespace}/`}${p.metadata.name}</td>
    <td>${podReady(p)}</td>
    <td data-testid="pod-status">${podStatus(p)}</td>
    <td>${(p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0)}</td>
    <td>${p.spec?.nodeName ?? ''}</td>
    <td>${p.status?.podIP ?? ''}</td>
    <td>${age(p.metadata.creationTimestamp)}</td>
    <td class="actions">
      <a class="button" href=${`#/logs/${encodeURIComponent(p.metadata.namespace)}/${encodeURIComponent(p.metadata.name)}`}>Logs</a>
      <${DeleteButton} onDelete=${() => remove('v1', 'pods', p).then(() => setFailure(undefined), setFailure)} />
    </td>
  </tr>`);
  return html`<${Section} title="Pods" error=${error}>
    <${ErrorBox} error=${failure} />
    <${Table} testid="pods" columns=${['Name', 'Ready', 'Status', 'Restarts', 'Node', 'IP', 'Age', '']} rows=${rows} />
  <//>`;
}

export function WorkloadsPage({ namespace }) {
  const pods = useWatch(collectionPath('v1', 'pods', namespace));
  const replicaSets = useWatch(collectionPath('apps/v1', 'replicasets', namespace));
  // A pod belongs to its owner, and to its owner's owner (a Deployment through its ReplicaSet).
  const ownerOf = new Map(replicaSets.items.map((rs) => [rs.metadata.uid, rs.metadata.ownerReferences?.find((r) => r.controller)?.uid]));
  const podsOf = (uid) => pods.items.filter((p) => (p.metadata.ownerReferences ?? []).some((r) => r.uid === uid || ownerOf.get(r.uid) === uid));
  return html`<div>
    ${KINDS.map((kind) => html`<${WorkloadTable} key=${`${kind.kind}-${namespace}`} kind=${kind} namespace=${namespace} podsOf=${podsOf} />`)}
    <${PodTable} pods=${pods.items} namespace=${namespace} error=${pods.error} />
  </div>`;
}
