import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { startCliEnvironment, type CliEnvironment } from '../../e2e/cli/cli-harness.js';
import { createNamespace, eventually, podsMatching, walkthroughManifest, useManagers } from './helpers.js';

// Two controller managers, one Lease (kube-system/kube-controller-manager): only the leader acts,
// and a standby takes over when the leader stops. Then the real process, as `kubets up` runs it.

let env: CliEnvironment;
let client: ApiClient;
const managers = useManagers(() => client);
const fastElection = { leaseDurationMs: 1_500, renewDeadlineMs: 1_000, retryPeriodMs: 200 };

beforeAll(async () => {
  env = await startCliEnvironment();
  client = env.cp.client();
});

afterAll(async () => {
  await env?.stop();
});

function mysqlRc(namespace: string, replicas: number): t.ReplicationController {
  const rc = walkthroughManifest<t.ReplicationController>('mysql-rc.yaml');
  rc.metadata = { ...rc.metadata, namespace };
  rc.spec = { ...rc.spec, replicas };
  return rc;
}

async function holder(): Promise<string | undefined> {
  const lease = await client.resource('lease').get('kube-system', 'kube-controller-manager');
  return lease.spec?.holderIdentity || undefined;
}

describe('controller-manager leader election', () => {
  it('runs controllers on the leader only, and fails over to the standby', async () => {
    const ns = await createNamespace(client, 'le-failover');
    const a = await managers.start({ leaderElection: { identity: 'cm-a', ...fastElection } });
    await eventually(async () => (await holder()) === 'cm-a', 30_000, 'cm-a leads');
    const b = await managers.start({ leaderElection: { identity: 'cm-b', ...fastElection } });
    expect(a.leading).toBe(true);
    await client.resource('replicationController').create(mysqlRc(ns, 2));
    await podsMatching(client, ns, 'app=mysql', 2);
    expect(b.leading).toBe(false);

    await a.stop();
    await eventually(async () => (await holder()) === 'cm-b', 30_000, 'cm-b takes over');
    await eventually(async () => b.leading);
    await client.resource('replicationController').patch(ns, 'mysql', { spec: { replicas: 3 } });
    await podsMatching(client, ns, 'app=mysql', 3);
    // Exactly one set of pods: the two never both created for the same change.
    expect((await client.resource('pod').list(ns)).items).toHaveLength(3);
    await b.stop();
  });

  it('runs as `kubets controller-manager`, holds the lease, and releases it on SIGTERM', async () => {
    const ns = await createNamespace(client, 'le-process');
    const child = env.spawn(['controller-manager', '--kubeconfig', env.configPath, '--leader-elect=true']);
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout?.resume();
    const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    try {
      await eventually(async () => holder(), 30_000, 'the process leads');
      await client.resource('replicationController').create(mysqlRc(ns, 1));
      await podsMatching(client, ns, 'app=mysql', 1, 30_000);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited, stderr).toBe(0);
    expect(await holder()).toBeUndefined();
  });
});
