import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { eventually, useControllerTestEnv } from '../testing/fake-context.js';
import { PodGcController } from './pod-gc-controller.js';

function pod(name: string, nodeName: string | undefined, phase = 'Running', created = '2024-05-01T10:00:00Z'): Pod {
  return {
    metadata: { name, namespace: 'default', creationTimestamp: created },
    spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'x:1' }] },
    status: { phase },
  };
}

describe('PodGcController', () => {
  const env = useControllerTestEnv();
  const stored = (name: string) => env.fake.stored('pod', 'default', name);

  it('deletes the pods of a node that is gone once the quarantine is over, and nothing else', async () => {
    await env.client.resource('node').create({ metadata: { name: 'alive' } });
    await env.client.resource('pod').create(pod('on-alive', 'alive'));
    await env.client.resource('pod').create(pod('orphan', 'gone'));
    await env.client.resource('pod').create(pod('pending', undefined, 'Pending'));
    await env.ctx.start(new PodGcController(env.ctx, { terminatedPodThreshold: 0, quarantineMs: 300, checkPeriodMs: 50 }));
    await eventually(() => stored('orphan') === undefined, 10_000, 'orphan deleted');
    expect(stored('on-alive')).toBeDefined();
    expect(stored('pending')).toBeDefined();
  });

  it('waits out the quarantine before it deletes the pods of a missing node', async () => {
    await env.client.resource('pod').create(pod('waiting', 'late'));
    await env.ctx.start(new PodGcController(env.ctx, { terminatedPodThreshold: 0, quarantineMs: 60_000, checkPeriodMs: 50 }));
    await new Promise((r) => setTimeout(r, 300));
    expect(stored('waiting')).toBeDefined();
  });

  it('deletes the oldest finished pods beyond the threshold', async () => {
    await env.client.resource('node').create({ metadata: { name: 'n1' } });
    for (const [name, minute] of [['done-1', 1], ['done-2', 2], ['done-3', 3]] as const) {
      await env.client.resource('pod').create(pod(name, 'n1', 'Succeeded', `2024-05-01T10:0${minute}:00Z`));
    }
    await env.client.resource('pod').create(pod('running', 'n1'));
    await env.ctx.start(new PodGcController(env.ctx, { terminatedPodThreshold: 1, checkPeriodMs: 50 }));
    await eventually(() => stored('done-1') === undefined && stored('done-2') === undefined, 5_000, 'oldest finished pods deleted');
    expect(stored('done-3')).toBeDefined();
    expect(stored('running')).toBeDefined();
  });
});
