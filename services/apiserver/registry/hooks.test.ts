import { describe, expect, it } from 'vitest';
import { resourceByField } from '../../../lib/api/resources.js';
import type { TxnExtra } from '../storage/store.js';
import { combineHooks, type WriteHooks } from './hooks.js';

const configMaps = resourceByField('configMap');
const part = (key: string): TxnExtra => ({ compares: [{ key, modRevision: 1 }], puts: [{ key, value: Buffer.from(key) }] });

describe('combineHooks', () => {
  it('merges the transaction parts of every set in order, and adds none when no set has one', async () => {
    const hooks = combineHooks([{ txnForCreate: async () => part('a') }, { txnForCreate: async () => undefined }, { txnForCreate: async () => part('b') }]);
    const merged = await hooks.txnForCreate(configMaps, {});
    expect(merged?.compares.map((c) => c.key)).toEqual(['a', 'b']);
    expect(merged?.puts.map((p) => p.key)).toEqual(['a', 'b']);
    expect(await combineHooks([{ txnForCreate: async () => undefined }, {}]).txnForCreate(configMaps, {})).toBeUndefined();
    expect(await combineHooks([]).txnForDelete(configMaps, {})).toBeUndefined();
  });

  it('admits through each set only after the previous one finished, and stops at the first refusal', async () => {
    const calls: string[] = [];
    const slow: WriteHooks = { admit: async () => void (await new Promise((r) => setTimeout(r, 5)), calls.push('slow')) };
    const refuse: WriteHooks = { admit: async () => Promise.reject(new Error('refused')) };
    const last: WriteHooks = { admit: async () => void calls.push('last') };
    await expect(combineHooks([slow, refuse, last]).admit(configMaps, 'create', {})).rejects.toThrow('refused');
    expect(calls).toEqual(['slow']);
    await combineHooks([slow, last]).admit(configMaps, 'create', {});
    expect(calls).toEqual(['slow', 'slow', 'last']);
    await expect(combineHooks([]).admit(configMaps, 'create', {})).resolves.toBeUndefined();
  });

  it('passes sets with nothing to do without changing the order of the others or their parts', async () => {
    const calls: string[] = [];
    const slow: WriteHooks = {
      admit: async () => void (await new Promise((r) => setTimeout(r, 5)), calls.push('slow')),
      txnForCreate: async () => (await new Promise((r) => setTimeout(r, 5)), part('a')),
    };
    const last: WriteHooks = { admit: async () => void calls.push('last'), txnForCreate: async () => part('b') };
    const idle = combineHooks([]);
    const hooks = combineHooks([idle, slow, idle, last, idle]);
    await hooks.admit(configMaps, 'create', {});
    expect(calls).toEqual(['slow', 'last']);
    expect((await hooks.txnForCreate(configMaps, {}))?.puts.map((p) => p.key)).toEqual(['a', 'b']);
    expect(await combineHooks([idle, idle]).txnForCreate(configMaps, {})).toBeUndefined();
    const throwing: WriteHooks = {
      admit: () => {
        throw new Error('refused at once');
      },
    };
    const refused = combineHooks([idle, throwing]).admit(configMaps, 'create', {});
    await expect(refused).rejects.toThrow('refused at once');
  });
});
