import { describe, expect, it } from 'vitest';
import { deleteStaleLocalNodes } from '../../../cli/up/stale-nodes.js';
import { useControlPlane } from '../../harness/use-control-plane.js';

const fx = useControlPlane();

describe('kubets up with fewer nodes than before', () => {
  it("deletes the Nodes of its own further nodes it does not start, and no one else's", async () => {
    const names = ['box', 'box-node2', 'box-node3', 'box-node4', 'other-node3', 'joined'];
    for (const name of names) await fx.client.resource('node').create({ metadata: { name } });
    expect(await deleteStaleLocalNodes(fx.client, 'box', 2)).toEqual(['box-node3', 'box-node4']);
    const left = (await fx.client.resource('node').listAll('')).items.map((n) => n.metadata?.name).sort();
    expect(left).toEqual(['box', 'box-node2', 'joined', 'other-node3']);
    expect(await deleteStaleLocalNodes(fx.client, 'box', 2)).toEqual([]);
  });
});
