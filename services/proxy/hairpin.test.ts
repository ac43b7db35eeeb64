import { describe, expect, it } from 'vitest';
import { ensureHairpin, type BridgePorts } from './hairpin.js';

function fakePorts(ports: Record<string, string> | undefined, opts: { failWrite?: NodeJS.ErrnoException } = {}): BridgePorts & { ports: Record<string, string> | undefined } {
  return {
    ports,
    list: async () => (ports ? Object.keys(ports) : undefined),
    read: async (_bridge, port) => ports?.[port],
    write: async (_bridge, port, value) => {
      if (opts.failWrite) throw opts.failWrite;
      ports![port] = value;
    },
  };
}

describe('ensureHairpin', () => {
  it('enables hairpin mode on every bridge port that lacks it', async () => {
    const fake = fakePorts({ vethA: '0', vethB: '1', vethC: '0' });
    expect(await ensureHairpin('docker0', fake)).toEqual(['vethA', 'vethC']);
    expect(fake.ports).toEqual({ vethA: '1', vethB: '1', vethC: '1' });
    expect(await ensureHairpin('docker0', fake)).toEqual([]);
  });

  it('does nothing while the bridge does not exist, and skips ports that vanish', async () => {
    expect(await ensureHairpin('docker0', fakePorts(undefined))).toEqual([]);
    const gone = Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
    expect(await ensureHairpin('docker0', fakePorts({ vethA: '0' }, { failWrite: gone }))).toEqual([]);
  });

  it('fails naming the requirement when sysfs refuses', async () => {
    const denied = Object.assign(new Error('EROFS: read-only file system'), { code: 'EROFS' });
    await expect(ensureHairpin('docker0', fakePorts({ vethA: '0' }, { failWrite: denied }))).rejects.toThrow(/cannot enable hairpin mode on docker0 port vethA .*pod → ClusterIP → the same pod/);
  });
});
