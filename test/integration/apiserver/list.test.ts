import { beforeAll, describe, expect, it } from 'vitest';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { configMap, expectApiError, nsObject, pod } from './helpers.js';

// Issue 3, "Must show": pagination with limit/continue (one consistent snapshot while writes go on)
// and label and field selectors, served from the watch cache and from etcd.

const cluster = useControlPlane();

const names = (items: { metadata?: { name?: string } }[]): string[] => items.map((i) => i.metadata?.name ?? '');

beforeAll(async () => {
  await cluster.client.resource('namespace').create(nsObject('paged'));
  await Promise.all(Array.from({ length: 25 }, (_, i) => cluster.client.resource('configMap').create(configMap(`cm-${String(i).padStart(2, '0')}`, 'paged'))));

  await cluster.client.resource('namespace').create(nsObject('sel'));
  const podSpecs: [string, Record<string, string>, string | undefined][] = [
    ['web-1', { app: 'web', tier: 'front' }, 'n1'],
    ['web-2', { app: 'web', tier: 'front' }, 'n2'],
    ['db-1', { app: 'db', tier: 'back' }, 'n1'],
    ['cache-1', { app: 'cache' }, undefined],
    ['plain', {}, undefined],
  ];
  for (const [name, labels, node] of podSpecs) {
    await cluster.client.resource('pod').create(pod(name, 'sel', {}, labels));
    if (node) await cluster.client.bind('sel', { metadata: { name, namespace: 'sel' }, target: { kind: 'Node', name: node } });
  }
  const db = await cluster.client.resource('pod').get('sel', 'db-1');
  await cluster.client.resource('pod').updateStatus({ ...db, status: { ...db.status, phase: 'Running' } });
});

describe('pagination', () => {
  it('returns pages of limit items with continue tokens and remainingItemCount', async () => {
    const cms = cluster.client.resource('configMap');
    const first = await cms.list('paged', { limit: 10 });
    expect(names(first.items)).toEqual(Array.from({ length: 10 }, (_, i) => `cm-${String(i).padStart(2, '0')}`));
    expect(first.continue).not.toBe('');
    expect(first.remainingItemCount).toBe(15);
    const second = await cms.list('paged', { limit: 10, continue: first.continue });
    expect(names(second.items)[0]).toBe('cm-10');
    expect(second.remainingItemCount).toBe(5);
    expect(second.resourceVersion).toBe(first.resourceVersion);
    const third = await cms.list('paged', { limit: 10, continue: second.continue });
    expect(names(third.items)).toEqual(['cm-20', 'cm-21', 'cm-22', 'cm-23', 'cm-24']);
    expect(third.continue).toBe('');
    expect(third.remainingItemCount).toBeUndefined();
  });

  it('serves every page from the first page revision while writes happen', async () => {
    const cms = cluster.client.resource('configMap');
    const first = await cms.list('paged', { limit: 10 });
    // Changes after the first page: a new item at the end, a deleted and a changed item in later pages.
    await cms.create(configMap('cm-99', 'paged'));
    await cms.delete('paged', 'cm-15');
    await cms.patch('paged', 'cm-20', { data: { changed: 'yes' } });
    const rest = [];
    let cont = first.continue;
    while (cont) {
      const page = await cms.list('paged', { limit: 10, continue: cont });
      expect(page.resourceVersion).toBe(first.resourceVersion);
      rest.push(...page.items);
      cont = page.continue;
    }
    const all = [...first.items, ...rest];
    expect(names(all)).toHaveLength(25);
    expect(names(all)).toContain('cm-15');
    expect(names(all)).not.toContain('cm-99');
    expect(all.find((c) => c.metadata?.name === 'cm-20')?.data).toBeUndefined();

    const now = await cms.listAll('paged', { limit: 7 });
    expect(names(now.items)).toHaveLength(25);
    expect(names(now.items)).toContain('cm-99');
    expect(names(now.items)).not.toContain('cm-15');
    await cms.create(configMap('cm-15', 'paged'));
    await cms.delete('paged', 'cm-99');
  });

  it('fills pages after filtering by a selector', async () => {
    const cms = cluster.client.resource('configMap');
    for (let i = 0; i < 6; i++) await cms.patch('paged', `cm-${String(i * 4).padStart(2, '0')}`, { metadata: { labels: { pick: 'me' } } });
    const first = await cms.list('paged', { limit: 4, labelSelector: 'pick=me' });
    expect(names(first.items)).toEqual(['cm-00', 'cm-04', 'cm-08', 'cm-12']);
    const second = await cms.list('paged', { limit: 4, labelSelector: 'pick=me', continue: first.continue });
    expect(names(second.items)).toEqual(['cm-16', 'cm-20']);
    expect(second.continue).toBe('');
  });

  it('rejects a garbled continue token as BadRequest', async () => {
    await expectApiError(cluster.client.resource('configMap').list('paged', { limit: 5, continue: 'not-a-token' }), 'BadRequest');
  });

  it('lists all namespaces in pages', async () => {
    const all = await cluster.client.resource('configMap').listAll('', { limit: 3 });
    expect(all.items.filter((c) => c.metadata?.namespace === 'paged')).toHaveLength(25);
  });
});

describe('lists above the gRPC message limit', () => {
  it('come in pages under 4 MiB even when no limit is asked for', async () => {
    await cluster.client.resource('namespace').create(nsObject('big'));
    const blob = 'b'.repeat(900 * 1024);
    for (let i = 0; i < 10; i++) await cluster.client.resource('configMap').create(configMap(`big-${i}`, 'big', undefined, { blob }));
    const first = await cluster.client.resource('configMap').list('big');
    expect(first.items.length).toBeGreaterThan(0);
    expect(first.items.length).toBeLessThan(10);
    expect(first.continue).not.toBe('');
    const seen = names(first.items);
    let cont = first.continue;
    for (let pages = 0; cont && pages < 10; pages++) {
      const page = await cluster.client.resource('configMap').list('big', { continue: cont });
      expect(page.resourceVersion).toBe(first.resourceVersion);
      seen.push(...names(page.items));
      cont = page.continue;
    }
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => `big-${i}`));
    expect((await cluster.client.resource('configMap').listAll('big')).items).toHaveLength(10);
  });
});

describe('label selectors', () => {
  const cases: [string, string[]][] = [
    ['app=web', ['web-1', 'web-2']],
    ['app==web', ['web-1', 'web-2']],
    ['app!=web', ['cache-1', 'db-1', 'plain']],
    ['app in (web,db)', ['db-1', 'web-1', 'web-2']],
    ['app notin (web,db)', ['cache-1', 'plain']],
    ['tier', ['db-1', 'web-1', 'web-2']],
    ['!tier', ['cache-1', 'plain']],
    ['app=web,tier=front', ['web-1', 'web-2']],
    ['app=web,tier=back', []],
  ];
  it.each(cases)('%s', async (selector, expected) => {
    const cached = await cluster.client.resource('pod').list('sel', { labelSelector: selector });
    expect(names(cached.items).sort()).toEqual(expected);
    const paged = await cluster.client.resource('pod').listAll('sel', { labelSelector: selector, limit: 2 });
    expect(names(paged.items).sort()).toEqual(expected);
  });

  it('rejects a malformed selector as BadRequest', async () => {
    await expectApiError(cluster.client.resource('pod').list('sel', { labelSelector: 'app in (web' }), 'BadRequest');
  });
});

describe('field selectors', () => {
  const cases: [string, string[]][] = [
    ['metadata.name=web-1', ['web-1']],
    ['metadata.name!=web-1', ['cache-1', 'db-1', 'plain', 'web-2']],
    ['spec.nodeName=n1', ['db-1', 'web-1']],
    ['spec.nodeName=', ['cache-1', 'plain']],
    ['status.phase=Running', ['db-1']],
    ['status.phase=Pending,spec.nodeName=n1', ['web-1']],
    ['metadata.namespace=sel', ['cache-1', 'db-1', 'plain', 'web-1', 'web-2']],
  ];
  it.each(cases)('%s', async (selector, expected) => {
    const cached = await cluster.client.resource('pod').list('sel', { fieldSelector: selector });
    expect(names(cached.items).sort()).toEqual(expected);
    const paged = await cluster.client.resource('pod').listAll('sel', { fieldSelector: selector, limit: 2 });
    expect(names(paged.items).sort()).toEqual(expected);
  });

  it('combines with a label selector', async () => {
    const res = await cluster.client.resource('pod').list('sel', { labelSelector: 'app=web', fieldSelector: 'spec.nodeName=n2' });
    expect(names(res.items)).toEqual(['web-2']);
  });

  it('works across namespaces', async () => {
    const res = await cluster.client.resource('pod').list('', { fieldSelector: 'metadata.namespace=sel,spec.nodeName=n1' });
    expect(names(res.items).sort()).toEqual(['db-1', 'web-1']);
  });

  it('rejects a field the kind does not support, naming it', async () => {
    await expectApiError(cluster.client.resource('pod').list('sel', { fieldSelector: 'spec.favouriteColour=blue' }), 'BadRequest', /spec\.favouriteColour/);
    await expectApiError(cluster.client.resource('configMap').list('', { fieldSelector: 'spec.nodeName=n1' }), 'BadRequest', /spec\.nodeName/);
  });
});
