import { pino } from 'pino';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError, isApiError } from '../../../lib/api/errors.js';
import type { CertificateSigningRequest, ConfigMap, Deployment, Event, Pod, Service } from '../../../lib/api/generated/index.js';
import { resourceByName, type AnyObject } from '../../../lib/api/resources.js';
import { kindHooks } from '../admission/kind-hooks.js';
import { NODE_PORTS_KEY, SERVICE_IPS_KEY, ServiceAllocator } from '../allocators/service-allocation.js';
import { objectKey } from '../storage/keys.js';
import { MemoryStore } from '../storage/testing/memory-store.js';
import { createCsr } from '../../../lib/certs/index.js';
import { newRequestScope } from '../request-scope.js';
import { decodeFromStorage, encodeForStorage } from '../storage/codec.js';
import { Registry, type CachedValue } from './registry.js';

const configMaps = resourceByName('configmaps')!;
const pods = resourceByName('pods')!;
const deployments = resourceByName('deployments')!;
const events = resourceByName('events')!;
const services = resourceByName('services')!;
const log = pino({ level: 'silent' });

function configMap(name: string, data: Record<string, string> = {}, extra: Partial<ConfigMap['metadata']> = {}): ConfigMap {
  return { metadata: { name, namespace: 'default', ...extra }, data };
}

function pod(name: string, nodeName = ''): Pod {
  return { metadata: { name, namespace: 'default' }, spec: { nodeName, containers: [{ name: 'app', image: 'busybox:1.36' }] } };
}

function deployment(name: string, replicas: number): Deployment {
  const labels = { app: name };
  return {
    metadata: { name, namespace: 'default' },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'busybox:1.36' }] } } },
  };
}

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected an ApiError');
}

const everything = { filter: () => true, sizeOf: () => 0 };

describe('Registry (on MemoryStore)', () => {
  let store: MemoryStore;
  let registry: Registry;
  beforeEach(() => {
    store = new MemoryStore();
    registry = new Registry(store, {}, log);
  });

  describe('create and get', () => {
    it('stores the object with server-set identity, its resourceVersion the write revision', async () => {
      const created = await registry.create(configMaps, 'default', configMap('a', { k: 'v' }));
      expect(created.metadata).toMatchObject({ name: 'a', namespace: 'default', resourceVersion: String(await store.currentRevision()) });
      expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
      expect(created.metadata?.creationTimestamp).toBeTruthy();
      expect(await registry.get(configMaps, 'default', 'a')).toEqual(created);
    });

    it('generates a name from generateName', async () => {
      const created = await registry.create(configMaps, 'default', { metadata: { generateName: 'web-' } } as ConfigMap);
      expect(created.metadata?.name).toMatch(/^web-[a-z0-9]{5}$/);
      expect(await registry.get(configMaps, 'default', created.metadata!.name!)).toMatchObject({ metadata: { uid: created.metadata?.uid } });
    });

    it('answers AlreadyExists for a second create of the same name, leaving the first as it was', async () => {
      const first = await registry.create(configMaps, 'default', configMap('a', { k: '1' }));
      const err = await apiError(registry.create(configMaps, 'default', configMap('a', { k: '2' })));
      expect(err.reason).toBe('AlreadyExists');
      expect(err.message).toBe('configmaps "a" already exists');
      expect(await registry.get(configMaps, 'default', 'a')).toEqual(first);
    });

    it('answers NotFound for a missing object and Invalid (nothing stored) for a bad one', async () => {
      expect((await apiError(registry.get(configMaps, 'default', 'missing'))).reason).toBe('NotFound');
      const revision = await store.currentRevision();
      const err = await apiError(registry.create(pods, 'default', { metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'app' }] } } as Pod));
      expect(err.reason).toBe('Invalid');
      expect(err.message).toContain('spec.containers[0].image: Required value');
      expect(await store.currentRevision()).toBe(revision);
    });

    it('attaches events to a lease, so they expire', async () => {
      const event: Event = { metadata: { name: 'e1', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Started' };
      await registry.create(events, 'default', event);
      const lease = store.leaseOf(objectKey(events, 'default', 'e1'));
      expect(lease).toBeDefined();
      store.expireLease(lease!);
      expect((await apiError(registry.get(events, 'default', 'e1'))).reason).toBe('NotFound');
    });
  });

  describe('update', () => {
    it('is a compare-and-swap on resourceVersion: a stale one is a Conflict naming both versions', async () => {
      const created = await registry.create(configMaps, 'default', configMap('a', { k: '1' }));
      const updated = await registry.update(configMaps, 'default', { ...created, data: { k: '2' } } as AnyObject);
      expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(created.metadata?.resourceVersion));
      const err = await apiError(registry.update(configMaps, 'default', { ...created, data: { k: '3' } } as AnyObject));
      expect(err.reason).toBe('Conflict');
      expect(err.message).toContain(`resourceVersion ${created.metadata?.resourceVersion} given, current is ${updated.metadata?.resourceVersion}`);
      expect(await registry.get(configMaps, 'default', 'a')).toMatchObject({ data: { k: '2' } });
    });

    it('without a resourceVersion applies to whatever is stored', async () => {
      await registry.create(configMaps, 'default', configMap('a', { k: '1' }));
      await registry.update(configMaps, 'default', configMap('a', { k: '2' }));
      expect(await registry.get(configMaps, 'default', 'a')).toMatchObject({ data: { k: '2' } });
    });

    it('does not write an update that changes nothing', async () => {
      const created = await registry.create(configMaps, 'default', configMap('a', { k: '1' }));
      const revision = await store.currentRevision();
      const same = await registry.update(configMaps, 'default', structuredClone(created));
      expect(same.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
      expect(await store.currentRevision()).toBe(revision);
    });

    it('bumps generation only when the spec changes, never on status', async () => {
      const created = await registry.create(deployments, 'default', deployment('d', 1));
      expect(created.metadata?.generation).toBe(1);
      const labelled = await registry.update(deployments, 'default', { ...created, metadata: { ...created.metadata, labels: { team: 'a' } } } as AnyObject);
      expect(labelled.metadata?.generation).toBe(1);
      const scaled = await registry.update(deployments, 'default', { ...labelled, spec: { ...(labelled as Deployment).spec, replicas: 3 } } as AnyObject);
      expect(scaled.metadata?.generation).toBe(2);
      const status = await registry.updateStatus(deployments, 'default', { ...scaled, status: { replicas: 3, observedGeneration: 2 } } as AnyObject);
      expect(status.metadata?.generation).toBe(2);
    });

    it('status updates change only the status; main updates never change it', async () => {
      const created = (await registry.create(deployments, 'default', deployment('d', 1))) as Deployment;
      const status = (await registry.updateStatus(deployments, 'default', {
        ...created,
        metadata: { ...created.metadata, labels: { sneaky: 'yes' } },
        spec: { ...created.spec, replicas: 5 },
        status: { replicas: 1, readyReplicas: 1 },
      } as AnyObject)) as Deployment;
      expect(status.spec?.replicas).toBe(1);
      expect(status.metadata?.labels).toBeUndefined();
      expect(status.status).toMatchObject({ replicas: 1, readyReplicas: 1 });

      const main = (await registry.update(deployments, 'default', { ...status, status: { replicas: 9 } } as AnyObject)) as Deployment;
      expect(main.status).toMatchObject({ replicas: 1, readyReplicas: 1 });
      expect(await registry.get(deployments, 'default', 'd')).toMatchObject({ status: { replicas: 1, readyReplicas: 1 } });
    });
  });

  describe('delete', () => {
    it('removes an object at once when nothing holds it', async () => {
      await registry.create(configMaps, 'default', configMap('a'));
      const deleted = await registry.delete(configMaps, 'default', 'a');
      expect(deleted.metadata?.resourceVersion).toBe(String(await store.currentRevision()));
      expect((await apiError(registry.get(configMaps, 'default', 'a'))).reason).toBe('NotFound');
      expect((await apiError(registry.delete(configMaps, 'default', 'a'))).reason).toBe('NotFound');
    });

    it('checks preconditions', async () => {
      const created = await registry.create(configMaps, 'default', configMap('a'));
      const err = await apiError(registry.delete(configMaps, 'default', 'a', { preconditions: { resourceVersion: '1' } }));
      expect(err.reason).toBe('Conflict');
      expect(err.message).toContain(`ResourceVersion in precondition: 1, ResourceVersion in object meta: ${created.metadata?.resourceVersion}`);
      expect((await apiError(registry.delete(configMaps, 'default', 'a', { preconditions: { uid: 'other' } }))).reason).toBe('Conflict');
      await registry.delete(configMaps, 'default', 'a', { preconditions: { uid: created.metadata?.uid, resourceVersion: created.metadata?.resourceVersion } });
    });

    it('deletes a pod no kubelet runs at once, and marks a bound one until a grace-0 delete', async () => {
      await registry.create(pods, 'default', pod('unbound'));
      await registry.delete(pods, 'default', 'unbound');
      expect((await apiError(registry.get(pods, 'default', 'unbound'))).reason).toBe('NotFound');

      await registry.create(pods, 'default', pod('bound', 'node-1'));
      const marked = await registry.delete(pods, 'default', 'bound');
      expect(marked.metadata).toMatchObject({ deletionGracePeriodSeconds: 30 });
      expect(marked.metadata?.deletionTimestamp).toBeTruthy();
      const { deletionTimestamp, resourceVersion } = marked.metadata!;
      expect(await registry.get(pods, 'default', 'bound')).toMatchObject({ metadata: { deletionTimestamp, resourceVersion, deletionGracePeriodSeconds: 30 } });

      // A second delete with a longer or equal grace period changes nothing.
      const revision = await store.currentRevision();
      await registry.delete(pods, 'default', 'bound');
      expect(await store.currentRevision()).toBe(revision);

      await registry.delete(pods, 'default', 'bound', { gracePeriodSeconds: 0 });
      expect((await apiError(registry.get(pods, 'default', 'bound'))).reason).toBe('NotFound');
    });

    it('keeps an object with finalizers until an update removes the last one', async () => {
      await registry.create(configMaps, 'default', configMap('a', {}, { finalizers: ['example.com/hold'] }));
      const marked = await registry.delete(configMaps, 'default', 'a');
      expect(marked.metadata?.deletionTimestamp).toBeTruthy();
      const held = await registry.get(configMaps, 'default', 'a');
      expect(held.metadata?.finalizers).toEqual(['example.com/hold']);

      await registry.update(configMaps, 'default', { ...held, metadata: { ...held.metadata, finalizers: [] } } as AnyObject);
      expect((await apiError(registry.get(configMaps, 'default', 'a'))).reason).toBe('NotFound');
    });

    it('adds the orphan finalizer for propagationPolicy Orphan', async () => {
      await registry.create(configMaps, 'default', configMap('a'));
      const marked = await registry.delete(configMaps, 'default', 'a', { propagationPolicy: 'Orphan' });
      expect(marked.metadata?.finalizers).toEqual(['orphan']);
      expect(await registry.get(configMaps, 'default', 'a')).toMatchObject({ metadata: { finalizers: ['orphan'] } });
    });
  });

  describe('list', () => {
    it('pages at one revision: later pages do not see later writes', async () => {
      for (const name of ['a', 'b', 'c']) await registry.create(configMaps, 'default', configMap(name));
      const first = await registry.list(configMaps, 'default', { ...everything, limit: 2 });
      expect(first.items.map((o) => o.metadata?.name)).toEqual(['a', 'b']);
      expect(first.remainingItemCount).toBe(1);
      await registry.create(configMaps, 'default', configMap('bb'));
      await registry.delete(configMaps, 'default', 'c');
      const second = await registry.list(configMaps, 'default', { ...everything, limit: 2, continue: first.continue });
      expect(second.items.map((o) => o.metadata?.name)).toEqual(['c']);
      expect(second).toMatchObject({ continue: '', resourceVersion: first.resourceVersion });
    });

    it('lists stored bytes with their revisions, selecting on the selection view', async () => {
      const a = await registry.create(configMaps, 'default', { ...configMap('a'), metadata: { name: 'a', labels: { app: 'x' } } } as AnyObject);
      await registry.create(configMaps, 'default', configMap('b'));
      const page = await registry.listStored(configMaps, 'default', { filter: (item) => item.view.metadata?.labels?.app === 'x', sizeOf: () => 0 });
      expect(page.items.map((item) => item.key)).toEqual([objectKey(configMaps, 'default', 'a')]);
      const [item] = page.items;
      expect(item!.revision).toBe(Number(a.metadata?.resourceVersion));
      expect(item!.stored.equals((await store.get(objectKey(configMaps, 'default', 'a')))!.value)).toBe(true);
      expect(item!.object).toEqual(await registry.get(configMaps, 'default', 'a'));
    });

    it('answers Expired for a continue token whose revision was compacted', async () => {
      for (const name of ['a', 'b']) await registry.create(configMaps, 'default', configMap(name));
      const first = await registry.list(configMaps, 'default', { ...everything, limit: 1 });
      await registry.create(configMaps, 'default', configMap('c'));
      await store.compact(await store.currentRevision());
      const err = await apiError(registry.list(configMaps, 'default', { ...everything, limit: 1, continue: first.continue }));
      expect(isApiError(err, 'Expired')).toBe(true);
    });
  });

  describe('write lanes', () => {
    it('runs the writes that share a lane one at a time, and the others alongside, without deadlock across several lanes', async () => {
      const inFlight = new Map<string, number>();
      const most = new Map<string, number>();
      const lanesOf = (name: string): string[] => (name.startsWith('ab') ? ['b', 'a'] : name.startsWith('a') ? ['a'] : name.startsWith('b') ? ['b'] : []);
      registry = new Registry(
        store,
        {
          writeLanes: (_info, _op, object) => lanesOf(object.metadata?.name ?? '').sort(),
          txnForCreate: async (_info, object) => {
            const lanes = lanesOf(object.metadata?.name ?? '');
            for (const lane of [...lanes, 'any']) inFlight.set(lane, (inFlight.get(lane) ?? 0) + 1);
            for (const [lane, n] of inFlight) most.set(lane, Math.max(most.get(lane) ?? 0, n));
            await new Promise((resolve) => setTimeout(resolve, 5));
            for (const lane of [...lanes, 'any']) inFlight.set(lane, inFlight.get(lane)! - 1);
            return undefined;
          },
        },
        log,
      );
      const names = ['a1', 'a2', 'b1', 'ab1', 'b2', 'ab2', 'free1', 'free2', 'free3'];
      await Promise.all(names.map((name) => registry.create(configMaps, 'default', configMap(name))));
      expect(most.get('a')).toBe(1);
      expect(most.get('b')).toBe(1);
      expect(most.get('any')).toBeGreaterThan(1);
    });
  });

  describe('retried creates', () => {
    // A hook whose compare fails on the first attempt (another writer moved the key), as a quota's does under contention.
    function contendedOnce(onAttempt: (object: AnyObject) => void, changesOnCreate: boolean): Registry {
      let attempts = 0;
      return new Registry(
        store,
        {
          txnForCreate: async (_info, object) => {
            onAttempt(object);
            attempts++;
            return { compares: [{ key: '/registry/contended', modRevision: attempts === 1 ? 99 : 0 }], puts: [] };
          },
          changesOnCreate: () => changesOnCreate,
        },
        log,
      );
    }

    it('starts each attempt from the admitted object when the hooks change it', async () => {
      const seen: (string | undefined)[] = [];
      registry = contendedOnce((object) => {
        const data = ((object as ConfigMap).data ??= {});
        seen.push(data.allocated);
        data.allocated = `attempt-${seen.length}`;
      }, true);
      const created = (await registry.create(configMaps, 'default', configMap('c'))) as ConfigMap;
      expect(seen).toEqual([undefined, undefined]);
      expect(created.data?.allocated).toBe('attempt-2');
    });

    it('writes the same object again when the hooks only add compares', async () => {
      const names: (string | undefined)[] = [];
      registry = contendedOnce((object) => names.push(object.metadata?.uid), false);
      const input = configMap('d', { k: 'v' });
      const created = await registry.create(configMaps, 'default', input);
      expect(names).toEqual([created.metadata?.uid, created.metadata?.uid]);
      expect(created.metadata?.resourceVersion).toBeDefined();
      expect(input).toEqual(configMap('d', { k: 'v' }));
      expect(await registry.get(configMaps, 'default', 'd')).toMatchObject({ data: { k: 'v' } });
    });
  });

  describe('transform (server-side changes such as a binding, made on the stored bytes)', () => {
    const bind = (stored: Buffer): Buffer => {
      const p = decodeFromStorage(pods, { key: '', value: stored, modRevision: 0, createRevision: 0, version: 0 }) as Pod;
      if (p.spec?.nodeName) throw new ApiError('Conflict', `already on ${p.spec.nodeName}`);
      return encodeForStorage(pods, { ...p, spec: { ...p.spec, nodeName: 'n1' } } as AnyObject);
    };
    const cachedOf = (object: AnyObject): CachedValue => ({ value: encodeForStorage(pods, object), revision: Number(object.metadata?.resourceVersion) });
    const reads = (): { count: number } => {
      const counter = { count: 0 };
      const get = store.get.bind(store);
      store.get = (key) => {
        counter.count++;
        return get(key);
      };
      return counter;
    };

    it('writes on a current cached copy without reading storage', async () => {
      const cached = cachedOf(await registry.create(pods, 'default', pod('p')));
      const counter = reads();
      const revision = await registry.transform(pods, 'default', 'p', bind, cached);
      expect(counter.count).toBe(0);
      expect(((await registry.get(pods, 'default', 'p')) as Pod).spec?.nodeName).toBe('n1');
      expect(revision).toBe(await store.currentRevision());
    });

    it('reads storage when the cached copy is stale, so the change applies to the current state', async () => {
      const stale = cachedOf(await registry.create(pods, 'default', pod('p')));
      await registry.update(pods, 'default', { ...pod('p'), metadata: { ...pod('p').metadata, labels: { changed: 'yes' } } });
      await registry.transform(pods, 'default', 'p', bind, stale);
      const bound = (await registry.get(pods, 'default', 'p')) as Pod;
      expect(bound.metadata?.labels).toEqual({ changed: 'yes' });
      expect(bound.spec?.nodeName).toBe('n1');
    });

    it('reads storage when the change refuses the cached copy, and reports what the current state says', async () => {
      const created = await registry.create(pods, 'default', pod('p'));
      const staleBound = cachedOf({ ...created, spec: { ...(created as Pod).spec, nodeName: 'old' } } as AnyObject);
      const counter = reads();
      await registry.transform(pods, 'default', 'p', bind, staleBound);
      expect(counter.count).toBe(1);
      expect(((await registry.get(pods, 'default', 'p')) as Pod).spec?.nodeName).toBe('n1');
      const err = await apiError(registry.transform(pods, 'default', 'p', bind, cachedOf(created)));
      expect(err.message).toBe('already on n1');
    });

    it('answers NotFound for an object storage does not hold', async () => {
      expect((await apiError(registry.transform(pods, 'default', 'missing', bind))).reason).toBe('NotFound');
    });
  });

  describe('with the service allocator', () => {
    beforeEach(() => {
      registry = new Registry(store, kindHooks({ limitRanger: { pods: {}, claims: {} }, defaultTolerationSeconds: {}, priority: {}, serviceAccount: {}, serviceAllocation: new ServiceAllocator(store, '10.96.0.0/12', '30000-32767'), defaultStorageClass: {} }), log);
    });

    it('writes the ClusterIP and NodePort bitmaps in the same revision as the Service, and frees them on delete', async () => {
      const svc: Service = { metadata: { name: 's', namespace: 'default' }, spec: { type: 'NodePort', selector: { app: 'a' }, ports: [{ port: 80 }] } };
      const created = (await registry.create(services, 'default', svc)) as Service;
      expect(created.spec?.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\./);
      expect(created.spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000);
      const revision = Number(created.metadata?.resourceVersion);
      expect(await store.get(SERVICE_IPS_KEY)).toMatchObject({ modRevision: revision });
      expect(await store.get(NODE_PORTS_KEY)).toMatchObject({ modRevision: revision });

      const taken = await apiError(
        registry.create(services, 'default', { ...svc, metadata: { name: 't', namespace: 'default' }, spec: { ...svc.spec, clusterIP: created.spec?.clusterIP } } as Service),
      );
      expect(taken.message).toContain('provided IP is already allocated');

      const deleted = await registry.delete(services, 'default', 's');
      expect(await store.get(SERVICE_IPS_KEY)).toMatchObject({ modRevision: Number(deleted.metadata?.resourceVersion) });
      const again = (await registry.create(services, 'default', { ...svc, spec: { ...svc.spec, clusterIP: created.spec?.clusterIP } } as Service)) as Service;
      expect(again.spec?.clusterIP).toBe(created.spec?.clusterIP);
    });
  });

  describe('the request a write serves', () => {
    const csrs = resourceByName('certificatesigningrequests')!;
    let csrPem = '';
    const csr = (name: string): CertificateSigningRequest => ({
      metadata: { name },
      spec: { request: Buffer.from(csrPem), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] },
    });

    beforeEach(async () => {
      csrPem ||= (await createCsr({ commonName: 'system:node:n1', organizations: ['system:nodes'] })).csrPem;
      registry = new Registry(store, kindHooks({ limitRanger: { pods: {}, claims: {} }, defaultTolerationSeconds: {}, priority: {}, serviceAccount: {}, serviceAllocation: new ServiceAllocator(store, '10.96.0.0/12', '30000-32767'), defaultStorageClass: {} }), log);
    });

    it("reaches admission and field ownership through the write's options: its user is the CSR's requestor, its manager owns the fields", async () => {
      const scope = { ...newRequestScope(), user: { name: 'alice', uid: 'u-1', groups: ['devs'] }, fieldManager: 'kubectl' };
      const created = (await registry.create(csrs, '', csr('with-scope'), { scope, dryRun: true })) as CertificateSigningRequest;
      expect(created.spec).toMatchObject({ username: 'alice', uid: 'u-1', groups: ['devs'] });
      expect(created.metadata?.managedFields?.map((e) => [e.manager, e.operation])).toEqual([['kubectl', 'Update']]);
    });

    it("records nobody for the apiserver's own writes, which have no request", async () => {
      const created = (await registry.create(csrs, '', csr('own'), { dryRun: true })) as CertificateSigningRequest;
      expect(created.spec).toMatchObject({ username: '', uid: '', groups: [] });
      expect(created.metadata?.managedFields).toBeUndefined();
    });
  });
});
