import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { schedulerCommand } from './command.js';

/** Parses flags without running the scheduler: the action is replaced by one that returns the options. */
async function parse(args: string[]): Promise<Record<string, unknown>> {
  const cmd = schedulerCommand().exitOverride().configureOutput({ writeErr: () => undefined });
  let seen: Record<string, unknown> = {};
  cmd.action((_o, c: Command) => {
    seen = c.optsWithGlobals();
  });
  await cmd.parseAsync(args, { from: 'user' });
  return seen;
}

describe('kubets scheduler flags', () => {
  it('defaults like kube-scheduler', async () => {
    expect(await parse([])).toEqual({
      leaderElect: true,
      leaderElectResourceName: 'kube-scheduler',
      leaderElectResourceNamespace: 'kube-system',
      schedulerName: 'default-scheduler',
      percentageOfNodesToScore: 0,
      metricsPort: 10259,
      metricsBindAddress: '127.0.0.1',
    });
  });

  it('takes the metrics port, 0 turning the endpoint off', async () => {
    expect(await parse(['--metrics-port=0', '--metrics-bind-address=0.0.0.0'])).toMatchObject({ metricsPort: 0, metricsBindAddress: '0.0.0.0' });
    await expect(parse(['--metrics-port=-1'])).rejects.toThrow();
  });

  it('takes --flag=value forms', async () => {
    expect(await parse(['--kubeconfig=/etc/kubets/scheduler.conf', '--leader-elect=false', '--scheduler-name=gpu', '--percentage-of-nodes-to-score=30'])).toMatchObject({
      kubeconfig: '/etc/kubets/scheduler.conf',
      leaderElect: false,
      schedulerName: 'gpu',
      percentageOfNodesToScore: 30,
    });
  });

  it('takes --leader-elect alone as true', async () => {
    expect(await parse(['--leader-elect', '--scheduler-name', 'x'])).toMatchObject({ leaderElect: true, schedulerName: 'x' });
  });

  it.each([
    [['--leader-elect=yes'], /expected true or false/],
    [['--percentage-of-nodes-to-score=101'], /0 to 100/],
    [['--percentage-of-nodes-to-score=2.5'], /0 to 100/],
  ])('rejects %j', async (args, message) => {
    await expect(parse(args)).rejects.toThrow(message);
  });
});
