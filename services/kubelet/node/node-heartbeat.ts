import type { Logger } from 'pino';
import { isApiError } from '../../../lib/api/errors.js';
import type { Lease, Node } from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { sleep } from '../../../lib/informer/backoff.js';
import { buildNodeStatus, newNode, statusChanged, type HealthFacts, type HostFacts, type NodeIdentity } from './node-status.js';

const NODE_LEASE_NAMESPACE = 'kube-node-lease';

interface NodeHeartbeatOptions {
  client: ApiClient;
  id: NodeIdentity;
  host: HostFacts;
  /** Asks the container runtime whether it answers, and its version. */
  runtimeHealth: () => Promise<HealthFacts>;
  log: Logger;
  leaseDurationSeconds?: number;
  renewIntervalMs?: number;
  /** A status is sent at least this often even when nothing changed (kubelet's nodeStatusReportFrequency). */
  statusReportIntervalMs?: number;
}

/** RFC3339 with microseconds, as Kubernetes' MicroTime in a Lease. */
function microTime(date = new Date()): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function nowTime(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Registers the Node and keeps it alive the way kubelet does: a Lease in kube-node-lease renewed
 * every 10 s (the cheap heartbeat the node controller watches) and a status update whenever the
 * status changes, or every 5 minutes regardless.
 */
export class NodeHeartbeat {
  private lastStatusSent = 0;
  private readonly leaseDurationSeconds: number;
  private readonly renewIntervalMs: number;
  private readonly statusReportIntervalMs: number;

  constructor(private readonly opts: NodeHeartbeatOptions) {
    this.leaseDurationSeconds = opts.leaseDurationSeconds ?? 40;
    this.renewIntervalMs = opts.renewIntervalMs ?? 10_000;
    this.statusReportIntervalMs = opts.statusReportIntervalMs ?? 5 * 60_000;
  }

  /** Creates the Node, or takes over an existing one with the same name and refreshes its status. */
  async register(): Promise<Node> {
    const { client, id, host } = this.opts;
    const status = buildNodeStatus(id, host, await this.opts.runtimeHealth(), undefined, nowTime());
    const nodes = client.resource('node');
    try {
      const created = await nodes.create(newNode(id, host, status));
      this.opts.log.info({ node: id.nodeName }, 'node registered');
      this.lastStatusSent = Date.now();
      return created;
    } catch (err) {
      if (!isApiError(err, 'AlreadyExists')) throw err;
    }
    const existing = await nodes.get('', id.nodeName);
    const labels = { ...newNode(id, host, status).metadata?.labels, ...existing.metadata?.labels };
    const relabelled = await nodes.update({ ...existing, metadata: { ...existing.metadata, labels } });
    const updated = await nodes.updateStatus({ ...relabelled, status: buildNodeStatus(id, host, await this.opts.runtimeHealth(), existing.status, nowTime()) });
    this.lastStatusSent = Date.now();
    this.opts.log.info({ node: id.nodeName }, 'node already registered; status refreshed');
    return updated;
  }

  /** One heartbeat: renew the lease, then send the status if it changed or is due. */
  async beat(): Promise<void> {
    const { client, id, host } = this.opts;
    const node = await client.resource('node').get('', id.nodeName);
    await this.renewLease(node);
    // Compared with the Node as stored, not with what was last sent: the node lifecycle controller
    // may have marked it Unknown meanwhile, and a kubelet that is back must say so at once.
    const next = buildNodeStatus(id, host, await this.opts.runtimeHealth(), node.status, nowTime());
    if (!statusChanged(node.status, next) && Date.now() - this.lastStatusSent < this.statusReportIntervalMs) return;
    await client.resource('node').updateStatus({ ...node, status: { ...node.status, ...next } });
    this.lastStatusSent = Date.now();
  }

  /** The Node owns its Lease, so the garbage collector removes the Lease with the Node. */
  private async renewLease(node: Node): Promise<void> {
    const leases = this.opts.client.resource('lease');
    const name = this.opts.id.nodeName;
    const spec = { holderIdentity: name, leaseDurationSeconds: this.leaseDurationSeconds, renewTime: microTime() };
    try {
      const lease = await leases.get(NODE_LEASE_NAMESPACE, name);
      await leases.update({ ...lease, spec: { ...lease.spec, ...spec } });
    } catch (err) {
      if (!isApiError(err, 'NotFound')) throw err;
      const owner = { apiVersion: 'v1', kind: 'Node', name, uid: node.metadata?.uid ?? '' };
      const lease: Lease = { metadata: { name, namespace: NODE_LEASE_NAMESPACE, ownerReferences: [owner] }, spec: { ...spec, acquireTime: microTime() } };
      await leases.create(lease);
    }
  }

  /** Beats every renew interval until the signal aborts; failures are logged and retried next time. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.beat();
      } catch (err) {
        this.opts.log.warn({ err }, 'node heartbeat failed');
      }
      // Returns at once when stopped, and leaves no listener behind on the signal.
      await sleep(this.renewIntervalMs, signal);
    }
  }
}
