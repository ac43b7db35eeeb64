import { describe, expect, it } from 'vitest';
import type { Event } from '../../lib/api/generated/index.js';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { runVerb } from '../testing/run-verb.js';
import { parseWaitFor } from './wait.js';

const api = useFakeApiServer();
const run = (...argv: string[]) => runVerb(argv, { client: api.client });
// Ages of days print without seconds, so the table does not depend on how long the test takes.
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z');

function event(name: string, extra: Partial<Event> & { namespace?: string } = {}): Event {
  const { namespace = 'default', ...rest } = extra;
  return {
    metadata: { name, namespace },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace },
    type: 'Normal',
    reason: 'Pulled',
    message: 'Container image "nginx" already present on machine',
    firstTimestamp: daysAgo(30),
    lastTimestamp: daysAgo(30),
    count: 1,
    ...rest,
  };
}

describe('events', () => {
  it('lists a namespace\'s events oldest first with Kind/name and repeats', async () => {
    await api.client.resource('event').create(event('b', { reason: 'Started', message: 'Started container web', firstTimestamp: daysAgo(9), lastTimestamp: daysAgo(9) }));
    await api.client.resource('event').create(event('a', { type: 'Warning', reason: 'BackOff', message: 'Back-off restarting', firstTimestamp: daysAgo(20), lastTimestamp: daysAgo(10), count: 4 }));
    await api.client.resource('event').create(event('c', { namespace: 'other', involvedObject: { kind: 'Node', name: 'n1' } }));
    expect(await run('events')).toEqual({
      stdout:
        'LAST SEEN           TYPE      REASON    OBJECT      MESSAGE\n' +
        '10d (x4 over 20d)   Warning   BackOff   Pod/web-1   Back-off restarting\n' +
        '9d                  Normal    Started   Pod/web-1   Started container web\n',
      stderr: '',
      code: 0,
    });
    expect((await run('events', '--types=warning')).stdout).toContain('BackOff');
    expect((await run('events', '--types=warning')).stdout).not.toContain('Started');
    expect((await run('events', '-A')).stdout.split('\n')[0]).toMatch(/^NAMESPACE\s+LAST SEEN/);
    expect((await run('events', '--for', 'node/n1', '-A')).stdout).toContain('Node/n1');
    expect((await run('events', '-n', 'empty')).stderr).toBe('No events found in empty namespace.\n');
    expect((await run('events', '--types=Fatal')).stderr).toBe('error: valid --types are Normal, Warning\n');
    expect((await run('events', '--for', 'web-1')).stderr).toBe('error: --for must be in resource/name form, not "web-1"\n');
  });
});

describe('wait', () => {
  it('parses --for as kubectl does', () => {
    const ready = parseWaitFor('condition=Ready');
    expect(ready.met({ status: { conditions: [{ type: 'Ready', status: 'True' }] } })).toBe(true);
    expect(ready.met({ status: { conditions: [{ type: 'Ready', status: 'False' }] } })).toBe(false);
    expect(parseWaitFor('condition=Ready=false').met({ status: { conditions: [{ type: 'Ready', status: 'False' }] } })).toBe(true);
    expect(parseWaitFor("jsonpath='{.status.phase}'=Running").met({ status: { phase: 'Running' } })).toBe(true);
    expect(parseWaitFor('jsonpath={.status.phase}').met({ status: {} })).toBe(false);
    expect(parseWaitFor('delete').met(undefined)).toBe(true);
    expect(() => parseWaitFor('ready')).toThrow('unrecognized condition: "ready"');
    expect(() => parseWaitFor(undefined)).toThrow('--for must be specified');
  });

  it('returns once the condition holds and times out naming the object otherwise', async () => {
    const pods = api.client.resource('pod');
    await pods.create({ metadata: { name: 'web', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    expect(await run('wait', '--for=condition=Ready', 'pod/web', '--timeout=300ms')).toEqual({
      stdout: '',
      stderr: 'error: timed out waiting for the condition on pods/web\n',
      code: 1,
    });
    setTimeout(() => {
      void pods.get('default', 'web').then((p) => pods.updateStatus({ ...p, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }));
    }, 200);
    expect(await run('wait', '--for=condition=Ready', 'pod/web', '--timeout=20s')).toEqual({ stdout: 'pod/web condition met\n', stderr: '', code: 0 });
    expect((await run('wait', '--for=jsonpath={.status.phase}=Running', 'pods', 'web')).stdout).toBe('pod/web condition met\n');
    setTimeout(() => void pods.delete('default', 'web'), 200);
    expect((await run('wait', '--for=delete', 'pod/web', '--timeout=20s')).stdout).toBe('pod/web condition met\n');
    expect((await run('wait', '--for=condition=Ready', 'pods', '-l', 'app=none')).stderr).toBe('error: no matching resources found\n');
  });
});
