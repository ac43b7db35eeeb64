import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Endpoints, Lease } from '../../lib/api/generated/index.js';
import { resourceByField } from '../../lib/api/resources.js';
import { APISERVER_ENDPOINT_LABEL, ApiserverEndpointReconciler } from './endpoint-reconciler.js';
import { Registry } from './registry/registry.js';
import { MemoryStore } from './storage/testing/memory-store.js';

const log = pino({ level: 'silent' });

function harness() {
  const registry = new Registry(new MemoryStore(), {}, log);
  let clock = 1_000_000;
  const apiserver = (ip: string, port = 6443): ApiserverEndpointReconciler =>
    new ApiserverEndpointReconciler(registry, { advertiseAddress: ip, port, log, now: () => clock, intervalMs: 3_600_000 });
  const endpoints = async () => {
    const e = (await registry.get(resourceByField('endpoints'), 'default', 'kubernetes')) as Endpoints;
    const s = (await registry.get(resourceByField('endpointSlice'), 'default', 'kubernetes')) as EndpointSlice;
    return {
      ips: e.subsets?.[0]?.addresses?.map((a) => a.ip) ?? [],
      port: e.subsets?.[0]?.ports?.[0]?.port,
      sliceIps: s.endpoints?.map((x) => x.addresses?.[0]) ?? [],
    };
  };
  const leases = async () =>
    ((await registry.list(resourceByField('lease'), 'kube-system', { filter: (o) => o.metadata?.labels?.[APISERVER_ENDPOINT_LABEL] === 'true', sizeOf: () => 0 })).items as Lease[]).map(
      (l) => l.spec?.holderIdentity,
    );
  return { apiserver, endpoints, leases, advance: (ms: number) => (clock += ms) };
}

describe('ApiserverEndpointReconciler', () => {
  it('lists every apiserver of an HA set started together, in address order, in the Endpoints and the EndpointSlice', async () => {
    const h = harness();
    const set = ['10.0.0.10', '10.0.0.9', '10.0.0.2'].map((ip) => h.apiserver(ip));
    await Promise.all(set.map((a) => a.start()));
    // Whoever wrote last saw every lease: one more round settles the others' view.
    await Promise.all(set.map((a) => a.reconcile()));
    expect(await h.endpoints()).toEqual({ ips: ['10.0.0.2', '10.0.0.9', '10.0.0.10'], port: 6443, sliceIps: ['10.0.0.2', '10.0.0.9', '10.0.0.10'] });
    await Promise.all(set.map((a) => a.stop()));
  });

  it('takes a stopping apiserver out at once, and leaves an empty subset list after the last', async () => {
    const h = harness();
    const [a, b] = [h.apiserver('10.0.0.1'), h.apiserver('10.0.0.2')];
    await a.start();
    await b.start();
    await a.stop();
    expect((await h.endpoints()).ips).toEqual(['10.0.0.2']);
    expect(await h.leases()).toEqual(['10.0.0.2']);
    await b.stop();
    expect((await h.endpoints()).ips).toEqual([]);
  });

  it("drops a crashed apiserver once its lease has not been renewed for its duration, by the survivor's clock, and deletes the lease", async () => {
    const h = harness();
    const [survivor, crashed] = [h.apiserver('10.0.0.1'), h.apiserver('10.0.0.2')];
    await crashed.start();
    await survivor.start();
    expect((await h.endpoints()).ips).toEqual(['10.0.0.1', '10.0.0.2']);
    h.advance(10_000);
    await survivor.reconcile();
    expect((await h.endpoints()).ips).toEqual(['10.0.0.1', '10.0.0.2']);
    h.advance(6_000);
    await survivor.reconcile();
    expect((await h.endpoints()).ips).toEqual(['10.0.0.1']);
    expect(await h.leases()).toEqual(['10.0.0.1']);
    await survivor.stop();
  });

  it('leaves out an apiserver serving on another port rather than listing it on the wrong one', async () => {
    const h = harness();
    const [a, b] = [h.apiserver('10.0.0.1', 6443), h.apiserver('10.0.0.2', 7443)];
    await b.start();
    await a.start();
    expect(await h.endpoints()).toMatchObject({ ips: ['10.0.0.1'], port: 6443 });
    await a.stop();
    await b.stop();
  });

  it('moves the endpoints to a new port after a restart on another one', async () => {
    const h = harness();
    const before = h.apiserver('10.0.0.1', 6443);
    await before.start();
    await before.stop();
    const after = h.apiserver('10.0.0.1', 7443);
    await after.start();
    expect(await h.endpoints()).toMatchObject({ ips: ['10.0.0.1'], port: 7443 });
    await after.stop();
  });
});
