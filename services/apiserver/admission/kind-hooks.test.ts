import { describe, expect, it } from 'vitest';
import { resourceByField, resources } from '../../../lib/api/resources.js';
import type { KindHooks, KindPlugins } from '../kinds/index.js';
import { kindHooks } from './kind-hooks.js';

/** Plugins that record which of them ran, and for which hook. */
function recordingPlugins(): { plugins: KindPlugins; calls: string[] } {
  const calls: string[] = [];
  const plugin = (name: string, serializeWrites = false): KindHooks<never> => ({
    serializeWrites,
    admit: async (op) => void calls.push(`${name}.admit(${op})`),
    txnForCreate: async () => void calls.push(`${name}.txnForCreate`),
    txnForUpdate: async () => void calls.push(`${name}.txnForUpdate`),
    txnForDelete: async () => void calls.push(`${name}.txnForDelete`),
  });
  return {
    plugins: {
      limitRanger: { pods: plugin('limitRanger.pods'), claims: plugin('limitRanger.claims') },
      priority: plugin('priority'),
      defaultTolerationSeconds: plugin('tolerations'),
      serviceAllocation: plugin('allocation', true),
      defaultStorageClass: plugin('defaultStorageClass'),
      serviceAccount: plugin('serviceAccount'),
    },
    calls,
  };
}

describe('kindHooks', () => {
  it('runs a pod create through the pod plugins in the admission chain\'s order', async () => {
    const { plugins, calls } = recordingPlugins();
    const hooks = kindHooks(plugins);
    await hooks.admit?.(resourceByField('pod'), 'create', {});
    await hooks.txnForCreate?.(resourceByField('pod'), {});
    expect(calls).toEqual([
      'limitRanger.pods.admit(create)',
      'serviceAccount.admit(create)',
      'priority.admit(create)',
      'tolerations.admit(create)',
      'limitRanger.pods.txnForCreate',
      'serviceAccount.txnForCreate',
      'priority.txnForCreate',
      'tolerations.txnForCreate',
    ]);
  });

  it('runs claim writes through LimitRanger', async () => {
    const { plugins, calls } = recordingPlugins();
    await kindHooks(plugins).admit?.(resourceByField('persistentVolumeClaim'), 'update', {}, {});
    expect(calls).toEqual(['limitRanger.claims.admit(update)', 'defaultStorageClass.admit(update)']);
  });

  it('runs service writes through the allocator only, one at a time', async () => {
    const { plugins, calls } = recordingPlugins();
    const hooks = kindHooks(plugins);
    const services = resourceByField('service');
    await hooks.admit?.(services, 'update', {}, {});
    await hooks.txnForUpdate?.(services, {}, {});
    await hooks.txnForDelete?.(services, {});
    expect(calls).toEqual(['allocation.admit(update)', 'allocation.txnForUpdate', 'allocation.txnForDelete']);
    expect(resources.filter((info) => hooks.writeLanes?.(info, 'create', {}).length).map((info) => [info.field, hooks.writeLanes?.(info, 'delete', {})])).toEqual([['service', ['services']]]);
  });

  it('runs nothing for kinds without plugins', async () => {
    const { plugins, calls } = recordingPlugins();
    const hooks = kindHooks(plugins);
    const configMaps = resourceByField('configMap');
    await hooks.admit?.(configMaps, 'create', {});
    expect(await hooks.txnForCreate?.(configMaps, {})).toBeUndefined();
    expect(calls).toEqual([]);
  });
});
