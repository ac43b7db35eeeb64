import type { Logger } from 'pino';
import { SERVICE_NAME_LABEL, SKIP_MIRROR_LABEL } from '../../lib/api/endpoint-slices.js';
import { isApiError } from '../../lib/api/errors.js';
import type * as t from '../../lib/api/generated/index.js';
import { resourceByField } from '../../lib/api/resources.js';
import { formatMicroTime } from '../../lib/client/api-time.js';
import { compareStrings } from '../../lib/printers/order.js';
import { ensure, replaceUnlessSame } from './bootstrap.js';
import type { Registry } from './registry/registry.js';

/** Marks the leases this reconciler reads, in kube-system beside the components' leader-election leases. */
export const APISERVER_ENDPOINT_LABEL = 'kubets.io/apiserver-endpoint';
/** The HTTPS port the lease's apiserver serves on. */
const PORT_ANNOTATION = 'kubets.io/apiserver-port';
const LEASE_NAMESPACE = 'kube-system';
/** As kube-apiserver's lease reconciler: renew every 10 s, gone after 15 s without a renewal. */
const DEFAULT_LEASE_SECONDS = 15;
const DEFAULT_INTERVAL_MS = 10_000;

export interface EndpointReconcilerOptions {
  advertiseAddress: string;
  /** The HTTPS API's port, the same on every apiserver of the set. */
  port: number;
  log: Logger;
  leaseSeconds?: number;
  intervalMs?: number;
  /** This apiserver's clock, in ms; leases are timed by it alone. */
  now?: () => number;
}

/**
 * Keeps the `kubernetes` Service's Endpoints and EndpointSlice listing every live apiserver of an
 * HA set, as Kubernetes' lease endpoint reconciler does: each apiserver renews a Lease named after
 * its advertise address and writes the addresses of the leases still renewed. Without it, apiservers
 * with different addresses would each write only their own and take turns overwriting the others.
 * A lease counts as live while this apiserver has seen it renewed within its duration by its own
 * clock (the way leader election times leases), so masters' clocks need not agree. An apiserver
 * that stops removes its lease at once; one that crashed drops out when its lease runs out. The
 * Service has one port, so the apiservers of a set serve on the same one, as in Kubernetes; one on
 * another port is left out (with a warning) rather than listed on the wrong port.
 */
export class ApiserverEndpointReconciler {
  private readonly seen = new Map<string, { renewTime: string; at: number }>();
  private readonly leaseSeconds: number;
  private readonly now: () => number;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly opts: EndpointReconcilerOptions,
  ) {
    this.leaseSeconds = opts.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
    this.now = opts.now ?? Date.now;
  }

  private get leaseName(): string {
    return `apiserver-endpoint-${this.opts.advertiseAddress}`;
  }

  /** Renews this apiserver's lease and writes the live addresses. */
  async reconcile(): Promise<void> {
    await this.renewOwnLease();
    await writeKubernetesEndpoints(this.registry, await this.liveAddresses(), this.opts.port);
  }

  /** Reconciles now and then every interval until stop(). */
  async start(): Promise<void> {
    await this.reconcile();
    this.timer = setInterval(() => {
      this.reconcile().catch((err: unknown) => this.opts.log.warn({ err }, 'apiserver endpoints not reconciled; trying again next interval'));
    }, this.opts.intervalMs ?? DEFAULT_INTERVAL_MS);
    this.timer.unref();
  }

  /** Takes this apiserver out of the endpoints at once, so clients stop picking it while it shuts down. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    const leases = resourceByField('lease');
    await this.registry.delete(leases, LEASE_NAMESPACE, this.leaseName).catch((err: unknown) => (isApiError(err, 'NotFound') ? undefined : Promise.reject(err)));
    const others = (await this.liveAddresses()).filter((ip) => ip !== this.opts.advertiseAddress);
    await writeKubernetesEndpoints(this.registry, others, this.opts.port);
  }

  private async renewOwnLease(): Promise<void> {
    const renewed = (lease: t.Lease): t.Lease => ({
      ...lease,
      spec: { ...lease.spec, holderIdentity: this.opts.advertiseAddress, leaseDurationSeconds: this.leaseSeconds, renewTime: formatMicroTime(this.now()) },
    });
    const metadata = { name: this.leaseName, namespace: LEASE_NAMESPACE, labels: { [APISERVER_ENDPOINT_LABEL]: 'true' }, annotations: { [PORT_ANNOTATION]: String(this.opts.port) } };
    const fresh: t.Lease = renewed({ metadata });
    await ensure(this.registry, 'lease', LEASE_NAMESPACE, fresh);
    // Created just now, or someone else's write in between: either way renew what is there.
    await replaceUnlessSame<t.Lease>(this.registry, 'lease', LEASE_NAMESPACE, this.leaseName, (current) => current.spec?.renewTime === fresh.spec?.renewTime, (current) =>
      renewed({ ...current, metadata: { ...current.metadata, annotations: { ...current.metadata?.annotations, ...metadata.annotations } } }),
    );
  }

  /** Addresses of the leases renewed recently; expired ones are deleted so they do not pile up. */
  private async liveAddresses(): Promise<string[]> {
    const leases = resourceByField('lease');
    const { items } = await this.registry.list(leases, LEASE_NAMESPACE, {
      filter: (o) => o.metadata?.labels?.[APISERVER_ENDPOINT_LABEL] === 'true',
      sizeOf: () => 0,
    });
    const now = this.now();
    const live: string[] = [];
    const names = new Set<string>();
    for (const lease of items as t.Lease[]) {
      const name = lease.metadata?.name ?? '';
      const renewTime = lease.spec?.renewTime ?? '';
      names.add(name);
      const last = this.seen.get(name);
      if (!last || last.renewTime !== renewTime) this.seen.set(name, { renewTime, at: now });
      const age = now - (this.seen.get(name)?.at ?? now);
      const duration = (lease.spec?.leaseDurationSeconds ?? this.leaseSeconds) * 1000;
      const holder = lease.spec?.holderIdentity;
      if (age > duration || !holder) await this.registry.delete(leases, LEASE_NAMESPACE, name).catch(() => undefined);
      else if (lease.metadata?.annotations?.[PORT_ANNOTATION] === String(this.opts.port)) live.push(holder);
      else this.opts.log.warn({ apiserver: holder, port: lease.metadata?.annotations?.[PORT_ANNOTATION], ownPort: this.opts.port }, 'an apiserver of this set serves on another port: left out of the kubernetes endpoints');
    }
    for (const name of this.seen.keys()) if (!names.has(name)) this.seen.delete(name);
    return [...new Set(live)].sort(compareAddresses);
  }
}

/**
 * Endpoints validation refuses loopback and unspecified addresses, as Kubernetes' does: a pod
 * cannot reach the apiserver there. A local cluster advertising 127.0.0.1 gets no endpoints.
 */
export function reachableFromPods(ip: string): boolean {
  return !/^127\./.test(ip) && ip !== '0.0.0.0' && ip !== '::' && ip !== '::1';
}

/** The kubernetes Service's Endpoints and its EndpointSlice (no controller writes it: the Service has no selector). */
async function writeKubernetesEndpoints(registry: Registry, addresses: string[], port: number): Promise<void> {
  const ports = [{ name: 'https', port, protocol: 'TCP' }];
  const endpoints: t.Endpoints = {
    // The apiserver writes this Service's slice itself, as Kubernetes' does.
    metadata: { name: 'kubernetes', namespace: 'default', labels: { [SKIP_MIRROR_LABEL]: 'true' } },
    subsets: addresses.length > 0 ? [{ addresses: addresses.map((ip) => ({ ip })), ports }] : [],
  };
  await reconcileObject(registry, 'endpoints', endpoints, (e) => sameList(e.subsets?.[0]?.addresses?.map((a) => a.ip ?? ''), addresses) && (addresses.length === 0 || e.subsets?.[0]?.ports?.[0]?.port === port));
  const slice: t.EndpointSlice = {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { [SERVICE_NAME_LABEL]: 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: addresses.map((ip) => ({ addresses: [ip], conditions: { ready: true } })),
    ports,
  };
  await reconcileObject(registry, 'endpointSlice', slice, (s) => sameList(s.endpoints?.map((e) => e.addresses?.[0] ?? ''), addresses) && s.ports?.[0]?.port === port);
}

/** Created when missing, its content replaced when it differs, labels as wanted and the rest of its metadata kept. */
async function reconcileObject<T extends t.Endpoints | t.EndpointSlice>(registry: Registry, field: 'endpoints' | 'endpointSlice', wanted: T, same: (current: T) => boolean): Promise<void> {
  await ensure(registry, field, 'default', wanted);
  await replaceUnlessSame<T>(registry, field, 'default', wanted.metadata?.name ?? '', same, (current) => ({ ...wanted, metadata: { ...current.metadata, labels: wanted.metadata?.labels } }));
}

function sameList(current: string[] | undefined, wanted: string[]): boolean {
  return (current ?? []).length === wanted.length && (current ?? []).every((v, i) => v === wanted[i]);
}

function compareAddresses(a: string, b: string): number {
  const key = (ip: string): string => ip.split('.').map((part) => part.padStart(3, '0')).join('.');
  return compareStrings(key(a), key(b));
}
