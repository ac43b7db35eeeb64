import type { Node } from '../../../lib/api/generated/index.js';
import { podCidrsOf } from '../../../lib/api/node-pod-cidrs.js';
import type { EventRecorder } from '../../../lib/events/event-recorder.js';
import type { Informer } from '../../../lib/informer/informer.js';
import type { ControllerContext } from '../common/controller.js';
import { recordNodeStatusChange } from '../common/node-events.js';
import { onEveryChange, QueueController, type HandlerRegistration } from '../common/queue-controller.js';
import { CidrSet } from './cidr-set.js';

export interface NodeIpamOptions {
  /** --cluster-cidr: the range node pod subnets come from. */
  clusterCidr: string;
  /** --node-cidr-mask-size: the size of each node's pod subnet. */
  nodeCidrMaskSize: number;
}

/**
 * Kubernetes' node IPAM range allocator: every node gets its own pod subnet (spec.podCIDR) from the
 * cluster CIDR, which its kubelet gives its container bridge and every other node routes to it.
 * The nodes as stored are the record of what is taken; a subnet handed out but not yet seen in the
 * cache is held here until it is, so one worker never hands the same subnet out twice, and the
 * apiserver refuses to change a podCIDR once set, so nothing can overwrite one.
 */
export class NodeIpamController extends QueueController {
  private readonly nodes: Informer<Node>;
  private readonly recorder: EventRecorder;
  private readonly cidrs: CidrSet;
  /** Subnets assigned by this controller that the node cache does not show yet, by node name. */
  private readonly pending = new Map<string, number>();
  private nextCandidate = 0;

  constructor(ctx: ControllerContext, options: NodeIpamOptions) {
    // One worker: an allocation reads what every other node holds.
    super('nodeipam', ctx, { workers: 1 });
    this.cidrs = new CidrSet(options.clusterCidr, options.nodeCidrMaskSize);
    this.nodes = ctx.informers.informerFor('node');
    this.recorder = ctx.recorder('cidrAllocator');
  }

  protected handlers(): HandlerRegistration[] {
    const enqueue = (node: Node): void => this.queue.add(node.metadata?.name ?? '');
    return [() => this.nodes.addEventHandler(onEveryChange(enqueue))];
  }

  async sync(name: string): Promise<void> {
    const node = this.nodes.store.get(name);
    if (!node || podCidrsOf(node).length > 0) {
      this.pending.delete(name);
      return;
    }
    const pending = this.pending.get(name);
    const index = pending ?? this.cidrs.nextFree(this.taken(), this.nextCandidate);
    if (index === undefined) {
      recordNodeStatusChange(this.recorder, name, 'CIDRNotAvailable');
      throw new Error(`no pod subnet left in ${this.cidrs.cidrAt(0)}..${this.cidrs.cidrAt(this.cidrs.count - 1)} for node ${name}`);
    }
    this.pending.set(name, index);
    this.nextCandidate = (index + 1) % this.cidrs.count;
    const podCidr = this.cidrs.cidrAt(index);
    try {
      await this.ctx.client.resource('node').patch('', name, { spec: { podCIDR: podCidr, podCIDRs: [podCidr] } });
    } catch (err) {
      // The node is gone or already has a subnet (the apiserver refuses a second): the next sync sees which.
      this.pending.delete(name);
      throw err;
    }
    this.log.info({ node: name, podCIDR: podCidr }, 'assigned pod subnet');
  }

  /** The subnets nodes hold, as cached or as just assigned. */
  private taken(): Set<number> {
    const taken = new Set(this.pending.values());
    for (const node of this.nodes.store.list()) {
      for (const cidr of podCidrsOf(node)) {
        const index = this.cidrs.indexOf(cidr);
        if (index !== undefined) taken.add(index);
      }
    }
    return taken;
  }
}
