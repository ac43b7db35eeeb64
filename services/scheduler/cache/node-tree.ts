import type { Labels } from '../../../lib/api/node-selector.js';

const ZONE_LABELS = ['topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone'];
const REGION_LABELS = ['topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region'];

/** The zone a node is in, as kube-scheduler's GetZoneKey builds it ('' without zone labels). */
export function zoneKey(labels: Labels): string {
  const zone = ZONE_LABELS.map((l) => labels[l]).find((v) => v !== undefined) ?? '';
  const region = REGION_LABELS.map((l) => labels[l]).find((v) => v !== undefined) ?? '';
  return region === '' && zone === '' ? '' : `${region}:\0:${zone}`;
}

/**
 * Node names grouped by zone (kube-scheduler's nodeTree). Listing takes one node from each zone
 * in turn, so a cycle that only looks at a sample of the nodes still sees every zone.
 */
export class NodeTree {
  readonly #zones = new Map<string, string[]>();
  readonly #zoneOf = new Map<string, string>();

  get size(): number {
    return this.#zoneOf.size;
  }

  /** Adds or moves a node; returns true when the listing order changes. */
  set(name: string, labels: Labels): boolean {
    const zone = zoneKey(labels);
    const current = this.#zoneOf.get(name);
    if (current === zone) return false;
    if (current !== undefined) this.delete(name);
    this.#zoneOf.set(name, zone);
    let names = this.#zones.get(zone);
    if (!names) this.#zones.set(zone, (names = []));
    names.push(name);
    return true;
  }

  delete(name: string): boolean {
    const zone = this.#zoneOf.get(name);
    if (zone === undefined) return false;
    this.#zoneOf.delete(name);
    const names = this.#zones.get(zone) as string[];
    names.splice(names.indexOf(name), 1);
    if (names.length === 0) this.#zones.delete(zone);
    return true;
  }

  list(): string[] {
    const out: string[] = [];
    const zones = [...this.#zones.values()];
    for (let i = 0; out.length < this.#zoneOf.size; i++) {
      for (const names of zones) {
        const name = names[i];
        if (name !== undefined) out.push(name);
      }
    }
    return out;
  }
}
