import { describe, expect, it } from 'vitest';
import { useFakeApiServer } from '../../../lib/client/testing/fake-api-per-test.js';
import { pollUntil } from '../../../test/harness/poll.js';
import { FakeKubelet } from './fake-kubelet.js';

const api = useFakeApiServer();

describe('FakeKubelet', () => {
  it('reports a new pod Running and Ready', async () => {
    const kubelet = new FakeKubelet(api.client, { readyDelayMs: 0 });
    await kubelet.start();
    try {
      await api.client.resource('pod').create({ metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
      await pollUntil(async () => (await api.client.resource('pod').get('default', 'p')).status?.phase === 'Running', { timeoutMs: 10_000, intervalMs: 20, what: 'the pod Running' });
    } finally {
      await kubelet.stop();
    }
  });

  // A write left running past stop() failed on the server stopped after it: an unhandled rejection
  // that failed a whole test run although every test passed.
  it('stops only after the status writes under way have finished', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let writing = false;
    // The kubelet's client, with pod status writes held at the gate.
    const client = new Proxy(api.client, {
      get: (target, prop) =>
        prop !== 'resource'
          ? Reflect.get(target, prop)
          : (kind: 'pod') =>
              new Proxy(target.resource(kind), {
                get: (pods, method) =>
                  method !== 'patch'
                    ? Reflect.get(pods, method)
                    : async (...args: Parameters<typeof pods.patch>) => {
                        writing = true;
                        await gate;
                        return pods.patch(...args);
                      },
              }),
    });
    const kubelet = new FakeKubelet(client, { readyDelayMs: 0 });
    await kubelet.start();
    await api.client.resource('pod').create({ metadata: { name: 'p', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await pollUntil(() => writing, { timeoutMs: 10_000, intervalMs: 5, what: 'the status write' });
    let stopped = false;
    const stopping = kubelet.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 200));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect((await api.client.resource('pod').get('default', 'p')).status?.phase).toBe('Running');
  });
});
