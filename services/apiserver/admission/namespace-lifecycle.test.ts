import { describe, expect, it } from 'vitest';
import type { Namespace } from '../../../lib/api/generated/index.js';
import { resourceByField } from '../../../lib/api/resources.js';
import { NamespaceLifecycle } from './namespace-lifecycle.js';

const namespaces: Record<string, Namespace> = {
  default: { metadata: { name: 'default' }, status: { phase: 'Active' } },
  leaving: { metadata: { name: 'leaving' }, status: { phase: 'Terminating' } },
};
const plugin = new NamespaceLifecycle(async (name) => namespaces[name]);
const configMaps = resourceByField('configMap');

describe('NamespaceLifecycle', () => {
  it('admits new objects in an active namespace, and cluster-scoped ones anywhere', async () => {
    await plugin.admit(configMaps, 'create', { metadata: { name: 'c', namespace: 'default' } });
    await plugin.admit(resourceByField('node'), 'create', { metadata: { name: 'n' } });
  });

  it('refuses new objects in a missing namespace', async () => {
    await expect(plugin.admit(configMaps, 'create', { metadata: { name: 'c', namespace: 'gone' } })).rejects.toMatchObject({ reason: 'NotFound', message: 'namespaces "gone" not found' });
  });

  it('refuses new objects in a terminating namespace, but not events about the cleanup or updates', async () => {
    await expect(plugin.admit(configMaps, 'create', { metadata: { generateName: 'c-', namespace: 'leaving' } })).rejects.toMatchObject({
      reason: 'Forbidden',
      message: 'configmaps "c-" is forbidden: unable to create new content in namespace leaving because it is being terminated',
    });
    await plugin.admit(resourceByField('event'), 'create', { metadata: { name: 'e', namespace: 'leaving' } });
    await plugin.admit(configMaps, 'update', { metadata: { name: 'c', namespace: 'leaving' } });
  });
});
