import type { Logger } from 'pino';
import type { Pod } from '../../../lib/api/generated/index.js';
import { resourceByField } from '../../../lib/api/resources.js';
import { prunedDecoder, type SelectionDecoder, type WatchCache, type WatchOut } from '../watch/index.js';

/** The kinds a pod can make its node read: what the kubelet needs to run it. */
export type ReferencedKind = 'secret' | 'configMap' | 'persistentVolumeClaim' | 'serviceAccount';

interface PodEdges {
  node: string;
  namespace: string;
  refs: ReadonlySet<string>;
}

/** Pause before a new snapshot after a watch ended, so a cache being rebuilt is not asked in a loop. */
const RESTART_DELAY_MS = 100;

const refKey = (kind: ReferencedKind, name: string): string => `${kind}/${name}`;

/** Every Secret, ConfigMap, claim and ServiceAccount a pod names: its volumes, projected sources, env and envFrom of every container. */
export function podReferences(pod: Pod): Set<string> {
  const refs = new Set<string>();
  const add = (kind: ReferencedKind, name: string | undefined) => name && refs.add(refKey(kind, name));
  const spec = pod.spec ?? {};
  add('serviceAccount', spec.serviceAccountName);
  for (const volume of spec.volumes ?? []) {
    add('secret', volume.secret?.secretName);
    add('configMap', volume.configMap?.name);
    add('persistentVolumeClaim', volume.persistentVolumeClaim?.claimName);
    for (const source of volume.projected?.sources ?? []) {
      add('secret', source.secret?.name);
      add('configMap', source.configMap?.name);
    }
  }
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const env of container.env ?? []) {
      add('secret', env.valueFrom?.secretKeyRef?.name);
      add('configMap', env.valueFrom?.configMapKeyRef?.name);
    }
    for (const from of container.envFrom ?? []) {
      add('secret', from.secretRef?.name);
      add('configMap', from.configMapRef?.name);
    }
  }
  return refs;
}

const CONTAINER_REFERENCE_PATHS = ['env.valueFrom.secretKeyRef.name', 'env.valueFrom.configMapKeyRef.name', 'envFrom.secretRef.name', 'envFrom.configMapRef.name'];

/** What podReferences reads of a pod. */
const REFERENCE_PATHS = [
  'spec.serviceAccountName',
  'spec.volumes.secret.secretName',
  'spec.volumes.configMap.name',
  'spec.volumes.persistentVolumeClaim.claimName',
  'spec.volumes.projected.sources.secret.name',
  'spec.volumes.projected.sources.configMap.name',
  ...['initContainers', 'containers'].flatMap((list) => CONTAINER_REFERENCE_PATHS.map((path) => `spec.${list}.${path}`)),
];

let referencesDecoder: SelectionDecoder | undefined;

/**
 * The part of a stored pod podReferences reads: decoding just that skips the bulk of a pod
 * (its containers' images, resources and probes, its managed fields), and leaves the watch cache's
 * copy undecoded, so a binding can be made on its bytes.
 */
export function storedPodReferences(stored: Buffer): Pod {
  referencesDecoder ??= prunedDecoder(resourceByField('pod'), REFERENCE_PATHS);
  return referencesDecoder(stored) as Pod;
}

/**
 * Kubernetes' node authorizer graph: which node each pod is bound to and what each pod refers
 * to, kept from the pods' watch cache. A node may read an object only along an edge
 * node <- pod -> object; a pod not yet bound gives its objects to no node.
 */
export class NodeGraph {
  private readonly pods = new Map<string, PodEdges>();
  private readonly podsByNode = new Map<string, Set<string>>();
  /**
   * The references of every pod seen, bound or not: validation keeps a pod's volumes, env and
   * service account as they were created, so its first state gives them for good, and binding it
   * needs no second look at the whole pod.
   */
  private readonly refsOf = new Map<string, ReadonlySet<string>>();

  /**
   * Applies one event of a pod. pod needs only its name, namespace and spec.nodeName; whole gives
   * the whole pod, asked for only when the pod's references are not known yet.
   */
  apply(type: WatchOut['type'], pod: Pod, whole: () => Pod = () => pod): void {
    const namespace = pod.metadata?.namespace ?? '';
    const key = `${namespace}/${pod.metadata?.name ?? ''}`;
    this.remove(key);
    if (type === 'DELETED') {
      this.refsOf.delete(key);
      return;
    }
    let refs = this.refsOf.get(key);
    if (!refs) this.refsOf.set(key, (refs = podReferences(whole())));
    const node = pod.spec?.nodeName;
    if (!node) return;
    this.pods.set(key, { node, namespace, refs });
    let onNode = this.podsByNode.get(node);
    if (!onNode) this.podsByNode.set(node, (onNode = new Set()));
    onNode.add(key);
  }

  /** The node a pod is bound to, '' when it is unknown or unbound. */
  nodeOf(namespace: string, name: string): string {
    return this.pods.get(`${namespace}/${name}`)?.node ?? '';
  }

  /** Whether some pod bound to the node refers to the object. */
  reaches(node: string, kind: ReferencedKind, namespace: string, name: string): boolean {
    const wanted = refKey(kind, name);
    for (const key of this.podsByNode.get(node) ?? []) {
      const edges = this.pods.get(key)!;
      if (edges.namespace === namespace && edges.refs.has(wanted)) return true;
    }
    return false;
  }

  /** The claims of the node's pods, for finding the volumes bound to them. */
  claimsOf(node: string): { namespace: string; name: string }[] {
    const prefix = refKey('persistentVolumeClaim', '');
    const claims: { namespace: string; name: string }[] = [];
    for (const key of this.podsByNode.get(node) ?? []) {
      const edges = this.pods.get(key)!;
      for (const ref of edges.refs) if (ref.startsWith(prefix)) claims.push({ namespace: edges.namespace, name: ref.slice(prefix.length) });
    }
    return claims;
  }

  private remove(key: string): void {
    const old = this.pods.get(key);
    if (!old) return;
    this.pods.delete(key);
    const onNode = this.podsByNode.get(old.node);
    onNode?.delete(key);
    if (onNode?.size === 0) this.podsByNode.delete(old.node);
  }

  private clear(): void {
    this.pods.clear();
    this.podsByNode.clear();
    this.refsOf.clear();
  }

  /**
   * Follows the pods' watch cache from its current contents until the signal aborts. A watch the
   * cache ends (a slow consumer, a rebuild) starts over from a fresh snapshot.
   */
  async follow(pods: WatchCache, signal: AbortSignal, log: Logger): Promise<void> {
    while (!signal.aborted) {
      this.clear();
      try {
        for await (const ev of pods.watch({ namespace: '', label: undefined, fields: [] }, { resourceVersion: 0, bookmarks: false, signal })) {
          // The selection view holds spec.nodeName, the stored bytes the references: no event needs the whole pod decoded.
          if (ev.type !== 'BOOKMARK') this.apply(ev.type, (ev.view ?? ev.object) as Pod, () => (ev.stored ? storedPodReferences(ev.stored) : (ev.object as Pod)));
        }
      } catch (err) {
        if (!signal.aborted) log.warn({ err: (err as Error).message }, 'node graph watch ended; starting over');
      }
      if (!signal.aborted) await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
    }
  }
}
