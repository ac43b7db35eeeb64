import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, PodTemplateSpec } from '../../../lib/api/generated/index.js';
import type { ApiClient } from '../../../lib/client/client.js';
import { startCliEnvironment, type CliEnvironment } from './cli-harness.js';
import { withoutAges } from './table.js';

let env: CliEnvironment;
let client: ApiClient;

beforeAll(async () => {
  env = await startCliEnvironment();
  client = env.cp.client();
});

afterAll(async () => {
  await env?.stop();
});

/** Collects a running CLI's output and waits for it to contain something. */
function follow(child: ChildProcess): { text: () => string; waitFor: (pattern: RegExp) => Promise<string>; exit: Promise<number> } {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  return {
    text: () => out,
    async waitFor(pattern) {
      for (let i = 0; i < 300 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(pattern);
      return out;
    },
    exit,
  };
}

const pod = (name: string) => ({
  metadata: { name, namespace: 'default', labels: { app: 'w' } },
  spec: { containers: [{ name: 'c', image: 'kubets/busybox:1.36' }] },
});

describe('kubets get -w', () => {
  it('prints the pods, then every change as it happens', async () => {
    await client.resource('pod').create(pod('a'));
    const child = env.spawn(['get', 'pods', '-w']);
    const watch = follow(child);
    try {
      await watch.waitFor(/^NAME +READY +STATUS +RESTARTS +AGE\na +0\/1 +Pending +0 +(?:\d+[smhdy])+\n$/);
      await client.resource('pod').create(pod('b-with-a-longer-name'));
      await watch.waitFor(/b-with-a-longer-name +0\/1 +Pending/);
      const a = await client.resource('pod').get('default', 'a');
      await client.resource('pod').updateStatus({
        ...a,
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: { startedAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z') } } }],
        },
      });
      const text = await watch.waitFor(/\na +1\/1 +Running/);
      // Rows printed later stay aligned with the header, and columns only grow.
      const lines = withoutAges(text).trim().split('\n');
      expect(lines).toEqual([
        'NAME   READY   STATUS    RESTARTS   AGE',
        'a      0/1     Pending   0          <age>',
        'b-with-a-longer-name   0/1     Pending   0          <age>',
        'a                      1/1     Running   0          <age>',
      ]);
    } finally {
      child.kill('SIGTERM');
      await watch.exit;
    }
  });

  it('--watch-only prints only changes, with the header before the first one', async () => {
    const child = env.spawn(['get', 'pods', '--watch-only', '-l', 'app=w']);
    const watch = follow(child);
    try {
      // The existing pods are not printed. The CLI starts watching at some point after spawning,
      // so touch pod a until a change shows up: the first output is the header and a's row.
      for (let i = 0; i < 60 && watch.text() === ''; i++) {
        const a = await client.resource('pod').get('default', 'a');
        await client.resource('pod').update({ ...a, metadata: { ...a.metadata, annotations: { touched: String(i) } } });
        await new Promise((r) => setTimeout(r, 500));
      }
      expect(watch.text()).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE\na +1\/1 +Running +0 +(?:\d+[smhdy])+\n/);
      expect(watch.text()).not.toContain('b-with-a-longer-name');
      await client.resource('pod').delete('default', 'b-with-a-longer-name');
      await watch.waitFor(/\nb-with-a-longer-name +0\/1 +Pending +0 +(?:\d+[smhdy])+\n$/);
    } finally {
      child.kill('SIGTERM');
      await watch.exit;
    }
  });
});

describe('kubets rollout', () => {
  const template = (image: string): PodTemplateSpec => ({
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image }] },
  });
  let deployment: Deployment;

  /** What the deployment controller would write: a replica set per revision, owned by the deployment. */
  async function revision(n: number, image: string, hash: string, cause?: string): Promise<void> {
    const tpl = template(image);
    await client.resource('replicaSet').create({
      metadata: {
        name: `web-${hash}`,
        namespace: 'default',
        labels: { app: 'web', 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/revision': String(n), ...(cause ? { 'kubernetes.io/change-cause': cause } : {}) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: deployment.metadata!.uid!, controller: true }],
      },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web', 'pod-template-hash': hash } },
        template: { ...tpl, metadata: { labels: { app: 'web', 'pod-template-hash': hash } } },
      },
    });
  }

  beforeAll(async () => {
    const path = join(env.dir, 'web-deploy.yaml');
    writeFileSync(
      path,
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n' +
        '  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: kubeguide/tomcat-app:v1\n',
    );
    expect((await env.run(['create', '-f', path])).stdout).toBe('deployment.apps/web created\n');
    deployment = await client.resource('deployment').get('default', 'web');
    await revision(1, 'kubeguide/tomcat-app:v1', '1111', 'first');
    deployment = await client.resource('deployment').update({ ...deployment, spec: { ...deployment.spec, template: template('kubeguide/tomcat-app:v2') } });
    await revision(2, 'kubeguide/tomcat-app:v2', '2222');
  });

  it('shows the history from the replica sets\' revision annotations', async () => {
    expect(await env.run(['rollout', 'history', 'deployment/web'])).toEqual({
      stdout: 'deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         first\n2         <none>\n\n',
      stderr: '',
      code: 0,
    });
    const one = await env.run(['rollout', 'history', 'deployment', 'web', '--revision=1']);
    expect(one.stdout).toMatch(/^deployment\.apps\/web with revision #1\nPod Template:\n {2}Labels:\s+app=web\n/);
    expect(one.stdout).toContain('kubeguide/tomcat-app:v1');
  });

  it('undoes to the previous revision, and skips when the template already matches', async () => {
    expect((await env.run(['rollout', 'undo', 'deployment/web'])).stdout).toBe('deployment.apps/web rolled back\n');
    const live = await client.resource('deployment').get('default', 'web');
    expect(live.spec?.template?.spec?.containers?.[0]?.image).toBe('kubeguide/tomcat-app:v1');
    expect(live.spec?.template?.metadata?.labels).toEqual({ app: 'web' });
    expect((await env.run(['rollout', 'undo', 'deployment/web', '--to-revision=1'])).stdout).toBe(
      'deployment.apps/web skipped rollback (current template already matches revision 1)\n',
    );
    expect((await env.run(['rollout', 'undo', 'deployment/web', '--to-revision=7'])).stderr).toBe('error: unable to find specified revision 7 in history\n');
  });

  it('pauses and resumes', async () => {
    expect((await env.run(['rollout', 'pause', 'deployment/web'])).stdout).toBe('deployment.apps/web paused\n');
    expect((await env.run(['rollout', 'pause', 'deployment/web'])).stderr).toBe('error: deployments.apps "web" is already paused\n');
    expect((await env.run(['rollout', 'undo', 'deployment/web'])).stderr).toBe(
      "error: you cannot rollback a paused deployment; resume it first with 'kubets rollout resume deployment/web' and try again\n",
    );
    expect((await env.run(['rollout', 'resume', 'deployment/web'])).stdout).toBe('deployment.apps/web resumed\n');
    expect((await env.run(['rollout', 'resume', 'deployment/web'])).stderr).toBe('error: deployments.apps "web" is not paused\n');
    expect((await env.run(['rollout', 'status', 'rc/nothing'])).stderr).toBe('error: no status viewer has been implemented for ReplicationController\n');
  });

  it('status waits for the rollout to finish, printing each step', async () => {
    const child = env.spawn(['rollout', 'status', 'deployment/web']);
    const watch = follow(child);
    const setStatus = async (status: NonNullable<Deployment['status']>): Promise<void> => {
      const d = await client.resource('deployment').get('default', 'web');
      await client.resource('deployment').updateStatus({ ...d, status: { ...status, observedGeneration: d.metadata?.generation ?? 0 } });
    };
    try {
      await watch.waitFor(/Waiting for deployment spec update to be observed\.\.\.\n|out of 2 new replicas/);
      await setStatus({ replicas: 2, updatedReplicas: 1 });
      await watch.waitFor(/Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated\.\.\.\n/);
      await setStatus({ replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1 });
      await watch.waitFor(/Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available\.\.\.\n/);
      await setStatus({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2 });
      expect(await watch.exit).toBe(0);
      expect(watch.text()).toMatch(/deployment "web" successfully rolled out\n$/);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
