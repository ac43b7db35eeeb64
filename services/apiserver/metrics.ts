import { Counter, Gauge, Histogram } from 'prom-client';
import type { ResourceInfo } from '../../lib/api/resources.js';
import { processRegistry, secondsSince } from '../../lib/metrics/index.js';
import type { WatchCache } from './watch/index.js';

// The apiserver's metrics, under kube-apiserver's names and labels so its dashboards and alerts
// read them unchanged. Labels come from bounded sets only (verbs, the resource table, HTTP codes):
// never an object's name or namespace.

const registers = [processRegistry];

/** kube-apiserver's request latency buckets (seconds). */
const REQUEST_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];
/** etcd_request_duration_seconds' buckets in Kubernetes. */
const ETCD_BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

const REQUEST_LABELS = ['verb', 'group', 'version', 'resource', 'subresource', 'scope'] as const;

const requestTotal = new Counter({
  name: 'apiserver_request_total',
  help: 'Counter of apiserver requests broken out for each verb, API resource, scope and response code (HTTP codes, also for gRPC calls).',
  labelNames: [...REQUEST_LABELS, 'code'],
  registers,
});

const requestDuration = new Histogram({
  name: 'apiserver_request_duration_seconds',
  help: 'Response latency distribution in seconds for each verb, API resource and scope.',
  labelNames: REQUEST_LABELS,
  buckets: REQUEST_BUCKETS,
  registers,
});

const longRunning = new Gauge({
  name: 'apiserver_longrunning_requests',
  help: 'Gauge of all active long-running apiserver requests (watches, logs, exec) broken out by verb, API resource and scope.',
  labelNames: REQUEST_LABELS,
  registers,
});

const etcdDuration = new Histogram({
  name: 'etcd_request_duration_seconds',
  help: 'Etcd request latency in seconds for each operation and object type.',
  labelNames: ['operation', 'type'],
  buckets: ETCD_BUCKETS,
  registers,
});

/** What a request was, in the labels kube-apiserver gives it. */
export interface RequestKind {
  /** LIST, WATCH, GET, POST, PUT, PATCH, DELETE, DELETECOLLECTION, CONNECT (kube-apiserver's request verbs). */
  verb: string;
  /** Undefined for non-resource requests (discovery, /version) and unknown resources. */
  info?: ResourceInfo;
  subresource?: string;
  scope: RequestScope;
}

export type RequestScope = 'cluster' | 'namespace' | 'resource' | '';

/** kube-apiserver's scope label: one object, one namespace's collection, or cluster-wide. */
export function requestScope(info: ResourceInfo | undefined, namespace: string | undefined, oneObject: boolean): RequestScope {
  if (!info) return '';
  if (oneObject) return 'resource';
  return info.namespaced && namespace ? 'namespace' : 'cluster';
}

/** Kubernetes' request verb for an authorization verb (the HTTP API's dispatch speaks those). */
export function requestVerb(authorizationVerb: string): string {
  return authorizationVerb === 'create' ? 'POST' : authorizationVerb === 'update' ? 'PUT' : authorizationVerb.toUpperCase();
}

interface Children {
  duration: Histogram.Internal<(typeof REQUEST_LABELS)[number]>;
  totals: Map<number, Counter.Internal>;
}

function labelsOf(kind: RequestKind): Record<(typeof REQUEST_LABELS)[number], string> {
  return {
    verb: kind.verb,
    group: kind.info?.group ?? '',
    version: kind.info?.version ?? '',
    resource: kind.info?.resource ?? '',
    subresource: kind.subresource ?? '',
    scope: kind.scope,
  };
}

/** The request metrics of an apiserver; absent when they are turned off (benchmarks compare both). */
export interface RequestMetrics {
  /** Counts one finished request and observes its duration since startNs (process.hrtime.bigint()). */
  record(kind: RequestKind, code: number, startNs: bigint): void;
  /** Counts a long-running request (watch, logs, exec) while it runs; returns its end. */
  longRunning(kind: RequestKind): () => void;
}

export function requestMetrics(): RequestMetrics {
  // The label children per request kind, so the hot path is one string key and a map lookup
  // rather than prom-client hashing a label object per request.
  const children = new Map<string, Children>();
  return {
    record(kind, code, startNs) {
      const key = `${kind.verb} ${kind.info?.resource ?? ''} ${kind.subresource ?? ''} ${kind.scope}`;
      let c = children.get(key);
      if (!c) {
        c = { duration: requestDuration.labels(labelsOf(kind)), totals: new Map() };
        children.set(key, c);
      }
      let total = c.totals.get(code);
      if (!total) {
        total = requestTotal.labels({ ...labelsOf(kind), code: String(code) });
        c.totals.set(code, total);
      }
      total.inc();
      c.duration.observe(secondsSince(startNs));
    },
    longRunning(kind) {
      const gauge = longRunning.labels(labelsOf(kind));
      gauge.inc();
      return () => gauge.dec();
    },
  };
}

/** The resource an etcd key belongs to (`/registry/pods/ns/name` → pods), a bounded label. */
function etcdType(key: string): string {
  if (!key.startsWith('/registry/')) return 'other';
  const end = key.indexOf('/', 10);
  const type = end === -1 ? key.slice(10) : key.slice(10, end);
  // The watch caches' progress keys (`/registry/pods#progress`) count as their resource.
  const mark = type.indexOf('#');
  return mark === -1 ? type : type.slice(0, mark);
}

/** Times one etcd request under etcd_request_duration_seconds{operation, type}. */
export async function timeEtcd<T>(operation: string, key: string, request: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  try {
    return await request();
  } finally {
    etcdDuration.observe({ operation, type: etcdType(key) }, secondsSince(start));
  }
}

/** The watch caches of each apiserver in this process (tests run several in one). */
const cacheSources = new Set<ReadonlyMap<string, WatchCache>>();

// Read from the watch caches when scraped, so nothing is counted on the request path.
new Gauge({
  name: 'apiserver_storage_objects',
  help: 'Number of stored objects at the time of last check split by kind.',
  labelNames: ['resource'],
  registers,
  collect() {
    this.reset();
    const counts = new Map<string, number>();
    for (const caches of cacheSources) for (const [resource, cache] of caches) counts.set(resource, Math.max(counts.get(resource) ?? 0, cache.objectCount));
    for (const [resource, count] of counts) this.set({ resource }, count);
  },
});

new Gauge({
  name: 'apiserver_registered_watchers',
  help: 'Number of currently registered watchers for a given resources.',
  labelNames: ['group', 'version', 'kind'],
  registers,
  collect() {
    this.reset();
    for (const caches of cacheSources) {
      for (const cache of caches.values()) this.inc({ group: cache.info.group, version: cache.info.version, kind: cache.info.kind }, cache.watcherCount);
    }
  },
});

/**
 * Makes an apiserver's watch caches the source of apiserver_storage_objects (objects per
 * resource, as stored in etcd) and apiserver_registered_watchers (open watches per kind).
 * Returns the function that removes them again, at stop.
 */
export function exposeCacheGauges(caches: ReadonlyMap<string, WatchCache>): () => void {
  cacheSources.add(caches);
  return () => void cacheSources.delete(caches);
}
