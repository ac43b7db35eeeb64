import { randomInt } from 'node:crypto';
import { invalid } from '../../../lib/api/errors.js';
import type { Service } from '../../../lib/api/generated/index.js';
import { invalid as fieldInvalid, root, type FieldError } from '../../../lib/validation/field-errors.js';
import type { Store, TxnExtra } from '../storage/store.js';
import type { KindHooks } from '../kinds/index.js';
import { Bitmap } from './bitmap.js';
import { Ipv4Range, PortRange } from './ranges.js';

export const SERVICE_IPS_KEY = '/registry/ranges/serviceips';
export const NODE_PORTS_KEY = '/registry/ranges/servicenodeports';

interface Allocation {
  ips: Set<string>;
  ports: Set<number>;
}

/** Kubernetes' static band (KEP-3070, KEP-3668): size/divisor, at least 16, at most max. */
function staticBand(size: number, divisor: number, max: number): number {
  return Math.min(Math.max(16, Math.floor(size / divisor)), max);
}

function usesClusterIP(svc: Service): boolean {
  return svc.spec?.type !== 'ExternalName' && svc.spec?.clusterIP !== 'None';
}

function usesNodePorts(svc: Service): boolean {
  return svc.spec?.type === 'NodePort' || svc.spec?.type === 'LoadBalancer';
}

function allocationOf(svc: Service): Allocation {
  const ips = new Set<string>();
  const ip = svc.spec?.clusterIP;
  if (ip && ip !== 'None' && usesClusterIP(svc)) ips.add(ip);
  const ports = new Set<number>();
  if (usesNodePorts(svc)) for (const p of svc.spec?.ports ?? []) if (p.nodePort) ports.add(p.nodePort);
  return { ips, ports };
}

/**
 * ClusterIP and NodePort allocation. The allocation bitmaps live in storage and are rewritten in the
 * same transaction as the Service, guarded by their mod_revision, so two apiservers can never
 * hand out the same address: the loser's transaction fails and the registry retries.
 */
export class ServiceAllocator implements KindHooks<Service> {
  private readonly ipRange: Ipv4Range;
  private readonly portRange: PortRange;

  constructor(
    private readonly store: Store,
    serviceCidr: string,
    nodePortRange: string,
  ) {
    this.ipRange = new Ipv4Range(serviceCidr);
    this.portRange = new PortRange(nodePortRange);
  }

  readonly serializeWrites = true;

  private async load(key: string, size: number): Promise<{ bitmap: Bitmap; modRevision: number }> {
    const stored = await this.store.get(key);
    return { bitmap: Bitmap.from(size, stored?.value), modRevision: stored?.modRevision ?? 0 };
  }

  async txnForCreate(svc: Service): Promise<TxnExtra> {
    return this.reconcile(svc, { ips: new Set(), ports: new Set() });
  }

  async txnForUpdate(svc: Service, old: Service): Promise<TxnExtra> {
    return this.reconcile(svc, allocationOf(old));
  }

  async txnForDelete(old: Service): Promise<TxnExtra> {
    const svc = structuredClone(old);
    const before = allocationOf(svc);
    svc.spec = { ...svc.spec, type: 'ExternalName', ports: [] };
    return this.reconcile(svc, before);
  }

  /** Allocates what the service needs and releases what it no longer holds, as one transaction part. */
  private async reconcile(svc: Service, before: Allocation): Promise<TxnExtra> {
    const errors: FieldError[] = [];
    const extra: TxnExtra = { compares: [], puts: [] };
    const spec = (svc.spec ??= {});

    const ips = await this.load(SERVICE_IPS_KEY, this.ipRange.size);
    let ipsChanged = false;
    if (usesClusterIP(svc) && !spec.clusterIP) {
      const offset = ips.bitmap.findFreeDynamic(staticBand(this.ipRange.size, 16, 256), randomInt, (i) => this.ipRange.isReserved(i));
      if (offset === undefined) {
        errors.push(fieldInvalid(root('spec', 'clusterIPs'), [], `failed to allocate IP: range is full (${this.ipRange.cidr})`));
      } else {
        spec.clusterIP = this.ipRange.ipAt(offset);
        ips.bitmap.set(offset);
        ipsChanged = true;
      }
    } else if (usesClusterIP(svc) && spec.clusterIP && !before.ips.has(spec.clusterIP)) {
      const offset = this.ipRange.offsetOf(spec.clusterIP);
      const path = root('spec', 'clusterIPs').index(0);
      if (offset === undefined || this.ipRange.isReserved(offset)) {
        errors.push(fieldInvalid(path, spec.clusterIP, `failed to allocate IP ${spec.clusterIP}: the provided IP (${spec.clusterIP}) is not in the valid range. The range of valid IPs is ${this.ipRange.cidr}`));
      } else if (ips.bitmap.has(offset)) {
        errors.push(fieldInvalid(path, spec.clusterIP, `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`));
      } else {
        ips.bitmap.set(offset);
        ipsChanged = true;
      }
    }
    const after = allocationOf(svc);
    for (const ip of before.ips) {
      const offset = this.ipRange.offsetOf(ip);
      if (!after.ips.has(ip) && offset !== undefined) {
        ips.bitmap.clear(offset);
        ipsChanged = true;
      }
    }
    if (spec.clusterIP && spec.clusterIP !== 'None') spec.clusterIPs = [spec.clusterIP];

    const ports = await this.load(NODE_PORTS_KEY, this.portRange.size);
    let portsChanged = false;
    if (usesNodePorts(svc)) {
      (spec.ports ?? []).forEach((p, i) => {
        const path = root('spec', 'ports').index(i).child('nodePort');
        if (!p.nodePort) {
          const offset = ports.bitmap.findFreeDynamic(staticBand(this.portRange.size, 32, 128), randomInt, () => false);
          if (offset === undefined) errors.push(fieldInvalid(path, 0, `failed to allocate a nodePort: range is full (${this.portRange.text})`));
          else {
            p.nodePort = this.portRange.base + offset;
            ports.bitmap.set(offset);
            portsChanged = true;
          }
          return;
        }
        if (before.ports.has(p.nodePort)) return;
        const offset = this.portRange.offsetOf(p.nodePort);
        if (offset === undefined) {
          errors.push(fieldInvalid(path, p.nodePort, `provided port is not in the valid range. The range of valid ports is ${this.portRange.text}`));
        } else if (ports.bitmap.has(offset)) {
          errors.push(fieldInvalid(path, p.nodePort, 'provided port is already allocated'));
        } else {
          ports.bitmap.set(offset);
          portsChanged = true;
        }
      });
    } else {
      for (const p of spec.ports ?? []) p.nodePort = undefined;
    }
    const kept = allocationOf(svc);
    for (const port of before.ports) {
      const offset = this.portRange.offsetOf(port);
      if (!kept.ports.has(port) && offset !== undefined) {
        ports.bitmap.clear(offset);
        portsChanged = true;
      }
    }

    if (errors.length > 0) throw invalid('Service', svc.metadata?.name ?? '', errors);
    if (ipsChanged) {
      extra.compares.push({ key: SERVICE_IPS_KEY, modRevision: ips.modRevision });
      extra.puts.push({ key: SERVICE_IPS_KEY, value: ips.bitmap.bytes() });
    }
    if (portsChanged) {
      extra.compares.push({ key: NODE_PORTS_KEY, modRevision: ports.modRevision });
      extra.puts.push({ key: NODE_PORTS_KEY, value: ports.bitmap.bytes() });
    }
    return extra;
  }
}
