import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCertificateAuthority, issueServingCert } from '../../lib/certs/index.js';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { Kubelet } from './kubelet.js';

// The kubelet's wiring against an in-memory apiserver, with the hollow runtime (no Docker).
const api = useFakeApiServer();
let kubelet: Kubelet;

async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeEach(async () => {
  const ca = await createCertificateAuthority();
  const serving = await issueServingCert(ca, { commonName: 'system:node:hollow-1' });
  kubelet = new Kubelet({
    nodeName: 'hollow-1',
    client: api.client,
    nodeIP: '127.0.0.1',
    port: 0,
    tls: { certPem: serving.certPem, keyPem: serving.keyPem, clientCaPem: ca.certPem },
    clusterDNS: ['10.96.0.10'],
    hollow: true,
    relistIntervalMs: 50,
  });
  await kubelet.start();
});

afterEach(async () => {
  await kubelet.stop();
});

describe('Kubelet (hollow)', () => {
  it('registers its node with the hollow runtime and the port it serves on', async () => {
    const node = api.fake.stored('node', '', 'hollow-1');
    expect(node?.status?.nodeInfo?.containerRuntimeVersion).toBe('hollow://0.1.0');
    expect(node?.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(kubelet.port);
    expect(kubelet.port).toBeGreaterThan(0);
  });

  it('runs only the pods bound to it, reports them Running, and stops them when deleted', async () => {
    const pods = api.client.resource('pod');
    const mine = await pods.create({ metadata: { name: 'mine', namespace: 'default' }, spec: { nodeName: 'hollow-1', containers: [{ name: 'c', image: 'i:1' }] } });
    await pods.create({ metadata: { name: 'theirs', namespace: 'default' }, spec: { nodeName: 'hollow-2', containers: [{ name: 'c', image: 'i:1' }] } });
    const status = await until(() => {
      const s = api.fake.stored('pod', 'default', 'mine')?.status;
      return s?.phase === 'Running' ? s : undefined;
    });
    expect(status.podIP).toMatch(/^240\./);
    expect(status.qosClass).toBe('BestEffort');
    expect(api.fake.stored('pod', 'default', 'theirs')?.status).toBeUndefined();
    expect(kubelet.workers.knownPods()).toEqual([mine.metadata?.uid]);

    await pods.delete('default', 'mine');
    await until(() => (kubelet.workers.knownPods().length === 0 ? true : undefined));
  });
});
