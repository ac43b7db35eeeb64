import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../lib/client/client.js';
import { startCliEnvironment, type CliEnvironment } from './cli-harness.js';
import { startStandInRcController, type StandIn } from './stand-in-rc-controller.js';
import { withoutAges } from './table.js';

// `kubets rolling-update` (the book's `kubectl rolling-update xxx -f xxx-v2.yaml`), done on the
// client as kubectl 1.10 did, against a real apiserver with a stand-in for the RC manager.

let env: CliEnvironment;
let client: ApiClient;
let standIn: StandIn;

const rc = (name: string, version: string, image: string): string => `apiVersion: v1
kind: ReplicationController
metadata:
  name: ${name}
spec:
  replicas: 2
  selector:
    name: frontend
    version: ${version}
  template:
    metadata:
      labels:
        name: frontend
        version: ${version}
    spec:
      containers:
        - name: web
          image: ${image}
`;

beforeAll(async () => {
  env = await startCliEnvironment();
  client = env.cp.client();
  standIn = startStandInRcController(client);
});

afterAll(async () => {
  await standIn?.stop();
  await env?.stop();
});

async function readyPods(version: string): Promise<number> {
  const { items } = await client.resource('pod').listAll('default', { labelSelector: `name=frontend,version=${version}` });
  return items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
}

const fast = ['--update-period=300ms', '--poll-interval=100ms', '--timeout=30s'];

describe('kubets rolling-update', () => {
  it('replaces the pods of an RC with the one in a file, one at a time, keeping the old name', async () => {
    const v1 = join(env.dir, 'frontend-v1.yaml');
    const v2 = join(env.dir, 'frontend-v2.yaml');
    writeFileSync(v1, rc('frontend-v1', 'v1', 'kubeguide/tomcat-app:v1'));
    writeFileSync(v2, rc('frontend-v2', 'v2', 'kubets/hostname:v1'));
    expect((await env.run(['create', '-f', v1])).stdout).toBe('replicationcontroller/frontend-v1 created\n');
    for (let i = 0; i < 300 && (await readyPods('v1')) < 2; i++) await new Promise((r) => setTimeout(r, 100));

    // As in the book: `kubectl rolling-update xxx -f xxx-v2.yaml`. With one name kubectl keeps it.
    const out = await env.run(['rolling-update', 'frontend-v1', '-f', v2, ...fast]);
    expect(out).toEqual({
      stdout:
        'Created frontend-v2\n' +
        "Scaling up frontend-v2 from 0 to 2, scaling down frontend-v1 from 2 to 0 (keep 2 pods available, don't exceed 3 pods)\n" +
        'Scaling frontend-v2 up to 1\n' +
        'Scaling frontend-v1 down to 1\n' +
        'Scaling frontend-v2 up to 2\n' +
        'Scaling frontend-v1 down to 0\n' +
        'Update succeeded. Deleting old controller: frontend-v1\n' +
        'Renaming frontend-v2 to frontend-v1\n' +
        'replicationcontroller "frontend-v1" rolling updated\n',
      stderr: '',
      code: 0,
    });
    expect(withoutAges((await env.run(['get', 'rc'])).stdout)).toBe('NAME          DESIRED   CURRENT   READY   AGE\nfrontend-v1   2         2         2       <age>\n');
    const live = await client.resource('replicationController').get('default', 'frontend-v1');
    expect(live.spec?.selector).toEqual({ name: 'frontend', version: 'v2' });
    // The progress annotations are gone once the update is done.
    expect(Object.keys(live.metadata?.annotations ?? {}).filter((k) => k.startsWith('kubectl.kubernetes.io/'))).toEqual([]);
  });

  it('changes the image into a newly named RC and deletes the old one', async () => {
    const out = await env.run(['rolling-update', 'frontend-v1', 'frontend-v3', '--image=kubeguide/tomcat-app:v2', ...fast]);
    expect(out).toEqual({
      stdout:
        'Created frontend-v3\n' +
        "Scaling up frontend-v3 from 0 to 2, scaling down frontend-v1 from 2 to 0 (keep 2 pods available, don't exceed 3 pods)\n" +
        'Scaling frontend-v3 up to 1\n' +
        'Scaling frontend-v1 down to 1\n' +
        'Scaling frontend-v3 up to 2\n' +
        'Scaling frontend-v1 down to 0\n' +
        'Update succeeded. Deleting frontend-v1\n' +
        'replicationcontroller "frontend-v1" rolling updated to "frontend-v3"\n',
      stderr: '',
      code: 0,
    });
    expect((await env.run(['get', 'rc', '-o', 'name'])).stdout).toBe('replicationcontroller/frontend-v3\n');
  });

  it('changes the image and keeps the name through a hashed interim RC', async () => {
    const out = await env.run(['rolling-update', 'frontend-v3', '--image=kubets/hostname:v1', ...fast]);
    expect(out.code).toBe(0);
    const next = /^Created (frontend-v3-[0-9a-f]{32})\n/.exec(out.stdout)?.[1];
    expect(next).toBeDefined();
    expect(out.stdout).toBe(
      `Created ${next}\n` +
        `Scaling up ${next} from 0 to 2, scaling down frontend-v3 from 2 to 0 (keep 2 pods available, don't exceed 3 pods)\n` +
        `Scaling ${next} up to 1\n` +
        'Scaling frontend-v3 down to 1\n' +
        `Scaling ${next} up to 2\n` +
        'Scaling frontend-v3 down to 0\n' +
        'Update succeeded. Deleting old controller: frontend-v3\n' +
        `Renaming ${next} to frontend-v3\n` +
        'replicationcontroller "frontend-v3" rolling updated\n',
    );
    const live = await client.resource('replicationController').get('default', 'frontend-v3');
    expect(live.spec?.template?.spec?.containers?.[0]?.image).toBe('kubets/hostname:v1');
    expect(live.spec?.selector?.deployment).toBe(next!.slice('frontend-v3-'.length));
    expect((await env.run(['get', 'rc', '-o', 'name'])).stdout).toBe('replicationcontroller/frontend-v3\n');
  });

  it('checks its arguments like kubectl', async () => {
    expect((await env.run(['rolling-update', 'frontend-v3'])).stderr).toBe('error: Must specify --filename or --image for new controller\n');
    expect((await env.run(['rolling-update', 'nope', '--image=x:v1'])).stderr).toBe("error: couldn't find a replication controller with source id == nope/default\n");
    expect((await env.run(['rolling-update', 'frontend-v3', '--image=kubets/hostname:v1'])).stderr).toBe(
      'error: --image-pull-policy (Always|Never|IfNotPresent) must be provided when --image is the same as existing container image\n',
    );
  });
});
