import { describe, expect, it } from 'vitest';
import { staleLocalNodeNames } from './stale-nodes.js';

describe('staleLocalNodeNames', () => {
  const names = ['box', 'box-node2', 'box-node3', 'box-node10', 'box-nodes', 'box-node0', 'other-node4', 'box-node3x'];

  it('picks the further nodes beyond the count, and nothing else', () => {
    expect(staleLocalNodeNames(names, 'box', 2)).toEqual(['box-node3', 'box-node10']);
    expect(staleLocalNodeNames(names, 'box', 3)).toEqual(['box-node10']);
  });

  it('with one node, every further node of this host is stale', () => {
    expect(staleLocalNodeNames(names, 'box', 1)).toEqual(['box-node2', 'box-node3', 'box-node10']);
  });

  it('keeps all when the count covers them', () => {
    expect(staleLocalNodeNames(names, 'box', 10)).toEqual([]);
  });
});
