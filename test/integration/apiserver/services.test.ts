import type { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../lib/client/client.js';
import type * as t from '../../../lib/api/generated/index.js';
import { Ipv4Range } from '../../../services/apiserver/allocators/ranges.js';
import { NODE_PORTS_KEY, SERVICE_IPS_KEY } from '../../../services/apiserver/allocators/service-allocation.js';
import { Bitmap } from '../../../services/apiserver/allocators/bitmap.js';
import { startControlPlane, type ControlPlane } from '../../harness/control-plane.js';
import { etcdClient, expectApiError, nsObject, service } from './helpers.js';

// Issue 3, "Must show": ClusterIP and NodePort allocation, released on delete, never duplicated,
// even when two apiservers create services concurrently on the same etcd.

let cp: ControlPlane;
let client: ApiClient;
let etcd: Etcd3;

const range = new Ipv4Range('10.96.0.0/12');
const PORT_BASE = 30000;
const PORT_COUNT = 2768;

beforeAll(async () => {
  cp = await startControlPlane({ apiservers: 2 });
  client = cp.client([cp.apiservers[0]!.address]);
  etcd = etcdClient(cp);
});

afterAll(async () => {
  etcd?.close();
  await cp?.stop();
});

async function allocatedIps(): Promise<Set<string>> {
  const bytes = await etcd.get(SERVICE_IPS_KEY).buffer();
  const bitmap = Bitmap.from(range.size, bytes ?? undefined);
  const out = new Set<string>();
  for (let i = 0; i < range.size; i++) if (bitmap.has(i)) out.add(range.ipAt(i));
  return out;
}

async function allocatedPorts(): Promise<Set<number>> {
  const bytes = await etcd.get(NODE_PORTS_KEY).buffer();
  const bitmap = Bitmap.from(PORT_COUNT, bytes ?? undefined);
  const out = new Set<number>();
  for (let i = 0; i < PORT_COUNT; i++) if (bitmap.has(i)) out.add(PORT_BASE + i);
  return out;
}

/** The allocation bitmaps hold exactly what the stored services use: nothing leaked, nothing lost. */
async function expectBitmapsMatchServices(): Promise<void> {
  const all = await client.resource('service').listAll('');
  const ips = new Set(all.items.map((s) => s.spec?.clusterIP).filter((ip): ip is string => Boolean(ip) && ip !== 'None'));
  const ports = new Set(all.items.flatMap((s) => (s.spec?.ports ?? []).map((p) => p.nodePort)).filter((p): p is number => Boolean(p)));
  expect(await allocatedIps()).toEqual(ips);
  expect(await allocatedPorts()).toEqual(ports);
}

function inRange(ip: string | undefined): boolean {
  const offset = ip ? range.offsetOf(ip) : undefined;
  return offset !== undefined && !range.isReserved(offset);
}

describe('ClusterIP', () => {
  it('allocates an address in 10.96.0.0/12', async () => {
    const svc = await client.resource('service').create(service('auto-ip', {}));
    expect(inRange(svc.spec?.clusterIP)).toBe(true);
    expect(svc.spec?.clusterIPs).toEqual([svc.spec?.clusterIP]);
    expect(svc.spec?.type).toBe('ClusterIP');
    expect((await client.resource('service').get('default', 'auto-ip')).spec?.clusterIP).toBe(svc.spec?.clusterIP);
  });

  it('honours an explicit address and rejects it a second time', async () => {
    const svc = await client.resource('service').create(service('fixed-ip', { clusterIP: '10.100.1.1' }));
    expect(svc.spec?.clusterIP).toBe('10.100.1.1');
    const err = await expectApiError(client.resource('service').create(service('fixed-ip-2', { clusterIP: '10.100.1.1' })), 'Invalid', /provided IP is already allocated/);
    expect(err.details.causes?.[0]?.field).toBe('spec.clusterIPs[0]');
    await expectApiError(client.resource('service').get('default', 'fixed-ip-2'), 'NotFound');
  });

  it('rejects the kubernetes Service address', async () => {
    await expectApiError(client.resource('service').create(service('steal-kubernetes', { clusterIP: '10.96.0.1' })), 'Invalid', /already allocated/);
  });

  it('rejects an address outside the range, naming the range', async () => {
    const err = await expectApiError(client.resource('service').create(service('outside', { clusterIP: '192.168.7.7' })), 'Invalid', /not in the valid range.*10\.96\.0\.0\/12/);
    expect(err.details.causes?.[0]?.field).toBe('spec.clusterIPs[0]');
  });

  it('allocates nothing for a dry run', async () => {
    const before = await allocatedIps();
    const dry = await client.resource('service').create(service('dry-ip', { clusterIP: '10.100.9.9' }), { dryRun: true });
    expect(dry.spec?.clusterIP).toBe('10.100.9.9');
    expect(await allocatedIps()).toEqual(before);
    await expectApiError(client.resource('service').get('default', 'dry-ip'), 'NotFound');
  });

  it('allocates no address for a headless service', async () => {
    const svc = await client.resource('service').create(service('headless', { clusterIP: 'None' }));
    expect(svc.spec?.clusterIP).toBe('None');
  });

  it('releases the address on delete so it can be used again', async () => {
    await client.resource('service').create(service('reuse-ip', { clusterIP: '10.100.2.2' }));
    await client.resource('service').delete('default', 'reuse-ip');
    expect(await allocatedIps()).not.toContain('10.100.2.2');
    const again = await client.resource('service').create(service('reuse-ip-2', { clusterIP: '10.100.2.2' }));
    expect(again.spec?.clusterIP).toBe('10.100.2.2');
  });

  it('keeps the address across updates and refuses to change it', async () => {
    const svc = await client.resource('service').create(service('keep-ip', {}));
    const updated = await client.resource('service').update({ ...svc, metadata: { ...svc.metadata, labels: { l: 'v' } } });
    expect(updated.spec?.clusterIP).toBe(svc.spec?.clusterIP);
    await expectApiError(client.resource('service').update({ ...updated, spec: { ...updated.spec, clusterIP: '10.100.3.3', clusterIPs: ['10.100.3.3'] } }), 'Invalid', /may not change once set/);
    expect(await allocatedIps()).not.toContain('10.100.3.3');
  });
});

describe('NodePort', () => {
  it('allocates a port in 30000-32767 for each service port', async () => {
    const svc = await client.resource('service').create(
      service('np-auto', { type: 'NodePort', ports: [{ name: 'a', port: 80, protocol: 'TCP' }, { name: 'b', port: 81, protocol: 'TCP' }] }),
    );
    const ports = svc.spec?.ports?.map((p) => p.nodePort ?? 0) ?? [];
    expect(ports).toHaveLength(2);
    for (const p of ports) expect(p).toBeGreaterThanOrEqual(30000);
    for (const p of ports) expect(p).toBeLessThanOrEqual(32767);
    expect(new Set(ports).size).toBe(2);
    expect(inRange(svc.spec?.clusterIP)).toBe(true);
  });

  it('honours an explicit port and rejects it a second time with a field error', async () => {
    const svc = await client.resource('service').create(service('np-fixed', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] }));
    expect(svc.spec?.ports?.[0]?.nodePort).toBe(30080);
    const err = await expectApiError(
      client.resource('service').create(service('np-dup', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] })),
      'Invalid',
      /spec\.ports\[0\]\.nodePort: Invalid value: 30080: provided port is already allocated/,
    );
    expect(err.details.causes?.[0]?.field).toBe('spec.ports[0].nodePort');
    await expectApiError(client.resource('service').get('default', 'np-dup'), 'NotFound');
  });

  it('rejects a port outside the range with the range in the message', async () => {
    const err = await expectApiError(
      client.resource('service').create(service('np-out', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 40000 }] })),
      'Invalid',
      /spec\.ports\[0\]\.nodePort: Invalid value: 40000: provided port is not in the valid range\. The range of valid ports is 30000-32767/,
    );
    expect(err.details.causes?.[0]?.field).toBe('spec.ports[0].nodePort');
  });

  it('leaves nothing allocated when one of several ports is refused', async () => {
    const before = await allocatedPorts();
    const beforeIps = await allocatedIps();
    await expectApiError(
      client.resource('service').create(service('np-partial', { type: 'NodePort', ports: [{ name: 'ok', port: 80, protocol: 'TCP', nodePort: 30055 }, { name: 'bad', port: 81, protocol: 'TCP', nodePort: 30080 }] })),
      'Invalid',
      /already allocated/,
    );
    expect(await allocatedPorts()).toEqual(before);
    expect(await allocatedIps()).toEqual(beforeIps);
  });

  it('releases ports on delete and when the type goes back to ClusterIP', async () => {
    const svc = await client.resource('service').create(service('np-release', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30031 }] }));
    expect(await allocatedPorts()).toContain(30031);
    // Only the type changes: the node port and externalTrafficPolicy the client sent back go with it.
    const back = await client.resource('service').update({ ...svc, spec: { ...svc.spec, type: 'ClusterIP' } });
    expect(back.spec?.externalTrafficPolicy ?? '').toBe('');
    expect(back.spec?.ports?.[0]?.nodePort).toBeUndefined();
    expect(await allocatedPorts()).not.toContain(30031);
    await client.resource('service').create(service('np-release-2', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30032 }] }));
    await client.resource('service').delete('default', 'np-release-2');
    expect(await allocatedPorts()).not.toContain(30032);
    const again = await client.resource('service').create(service('np-release-3', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30032 }] }));
    expect(again.spec?.ports?.[0]?.nodePort).toBe(30032);
  });

  it('releases the ClusterIP and ports when the type becomes ExternalName', async () => {
    const svc = await client.resource('service').create(service('to-external', { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP', nodePort: 30050 }] }));
    const ip = svc.spec?.clusterIP;
    const external = await client.resource('service').update({ ...svc, spec: { ...svc.spec, type: 'ExternalName', externalName: 'db.example.com', selector: {} } });
    expect(external.spec?.clusterIP ?? '').toBe('');
    expect(await allocatedIps()).not.toContain(ip);
    expect(await allocatedPorts()).not.toContain(30050);
  });

  it('keeps the allocated port across an update that omits it', async () => {
    const svc = await client.resource('service').create(service('np-keep', { type: 'NodePort' }));
    const port = svc.spec?.ports?.[0]?.nodePort;
    const updated = await client.resource('service').update({ ...svc, spec: { ...svc.spec, ports: [{ port: 80, protocol: 'TCP' }] } });
    expect(updated.spec?.ports?.[0]?.nodePort).toBe(port);
  });

  it('keeps the bitmaps equal to what services use', async () => {
    await expectBitmapsMatchServices();
  });
});

describe('concurrent creates through two apiservers', () => {
  it('never hands out the same ClusterIP or NodePort twice', async () => {
    await client.resource('namespace').create(nsObject('race'));
    const a = cp.client([cp.apiservers[0]!.address]);
    const b = cp.client([cp.apiservers[1]!.address]);
    const make = (c: ApiClient, prefix: string): Promise<t.Service>[] =>
      Array.from({ length: 50 }, (_, i) => c.resource('service').create(service(`${prefix}-${i}`, { type: 'NodePort' }, 'race')));
    const results = await Promise.allSettled([...make(a, 'a'), ...make(b, 'b')]);
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String(r.reason));
    expect(failures).toEqual([]);
    const created = results.map((r) => (r as PromiseFulfilledResult<t.Service>).value);
    const ips = created.map((s) => s.spec?.clusterIP);
    const ports = created.map((s) => s.spec?.ports?.[0]?.nodePort);
    expect(new Set(ips).size).toBe(100);
    expect(new Set(ports).size).toBe(100);
    for (const ip of ips) expect(inRange(ip)).toBe(true);

    const stored = (await client.resource('service').list('race')).items;
    expect(stored).toHaveLength(100);
    expect(new Set(stored.map((s) => s.spec?.clusterIP)).size).toBe(100);
    await expectBitmapsMatchServices();

    await Promise.all(stored.map((s, i) => (i % 2 ? a : b).resource('service').delete('race', s.metadata!.name!)));
    await expectBitmapsMatchServices();
  });
});
