import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { useCliEnvironment } from './cli-harness.js';

const env = useCliEnvironment();


const webRc = (replicas: number, env2: string): string => `apiVersion: v1
kind: ReplicationController
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: ${replicas}
  selector:
    app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: kubeguide/tomcat-app:v1
          env:
            - name: MYSQL_SERVICE_HOST
              value: mysql
${env2}`;

async function rcJson(): Promise<{ metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: Record<string, any> }> {
  return JSON.parse((await env.run(['get', 'rc', 'web', '-o', 'json'])).stdout);
}

describe('kubets apply', () => {
  it('creates, then reports unchanged, then configures with a three-way merge', async () => {
    const withPort = '            - name: MYSQL_SERVICE_PORT\n              value: "3306"\n';
    const path = env.file('web-rc.yaml', webRc(2, withPort));
    expect(await env.run(['apply', '-f', path])).toEqual({ stdout: 'replicationcontroller/web created\n', stderr: '', code: 0 });
    expect((await env.run(['apply', '-f', path])).stdout).toBe('replicationcontroller/web unchanged\n');

    // Someone else labels the object; apply must keep that label.
    expect((await env.run(['label', 'rc', 'web', 'team=ops'])).stdout).toBe('replicationcontroller/web labeled\n');
    env.file('web-rc.yaml', webRc(3, ''));
    expect((await env.run(['apply', '-f', path])).stdout).toBe('replicationcontroller/web configured\n');
    const live = await rcJson();
    expect(live.spec.replicas).toBe(3);
    expect(live.spec.template.spec.containers[0].env).toEqual([{ name: 'MYSQL_SERVICE_HOST', value: 'mysql' }]);
    expect(live.metadata.labels).toEqual({ app: 'web', team: 'ops' });
    const lastApplied = JSON.parse(live.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']!);
    expect(lastApplied.spec.replicas).toBe(3);
    expect((await env.run(['apply', '-f', path])).stdout).toBe('replicationcontroller/web unchanged\n');
  });

  it('warns when the live object was not created by apply, and patches the annotation in', async () => {
    const path = env.file('svc.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  name: plain\nspec:\n  ports:\n  - port: 80\n');
    expect((await env.run(['create', '-f', path])).stdout).toBe('service/plain created\n');
    const applied = await env.run(['apply', '-f', path]);
    expect(applied.stdout).toBe('service/plain configured\n');
    expect(applied.stderr).toMatch(/^Warning: resource services\/plain is missing the kubectl\.kubernetes\.io\/last-applied-configuration annotation/);
    expect((await env.run(['apply', '-f', path])).stdout).toBe('service/plain unchanged\n');
  });
});

describe('kubets edit', () => {
  it('saves the changes made in the editor', async () => {
    const editor = env.file('scale-to-4.sh', `#!/bin/sh\nsed -i 's/^  replicas: 3$/  replicas: 4/' "$1"\n`, 0o755);
    const out = await env.run(['edit', 'rc', 'web'], { env: { EDITOR: editor } });
    expect(out).toEqual({ stdout: 'replicationcontroller/web edited\n', stderr: '', code: 0 });
    expect((await rcJson()).spec.replicas).toBe(4);
  });

  it('reopens the file with the server\'s complaint and saves the corrected version', async () => {
    const editor = env.file(
      'fix-on-second-try.sh',
      `#!/bin/sh
if grep -q 'was not valid' "$1"; then
  grep -q '^# \\* spec.replicas: Invalid value: -1' "$1" || exit 3
  sed -i 's/^  replicas: -1$/  replicas: 2/' "$1"
else
  sed -i 's/^  replicas: 4$/  replicas: -1/' "$1"
fi
`,
      0o755,
    );
    const out = await env.run(['edit', 'rc/web'], { env: { EDITOR: editor } });
    expect(out).toEqual({ stdout: 'replicationcontroller/web edited\n', stderr: '', code: 0 });
    expect((await rcJson()).spec.replicas).toBe(2);
  });

  it('cancels when nothing changed', async () => {
    expect(await env.run(['edit', 'rc', 'web'], { env: { EDITOR: 'true' } })).toEqual({ stdout: 'Edit cancelled, no changes made.\n', stderr: '', code: 0 });
  });
});

describe('kubets label, annotate and delete', () => {
  it('annotates and removes labels', async () => {
    expect((await env.run(['annotate', 'rc', 'web', 'description=the web tier'])).stdout).toBe('replicationcontroller/web annotated\n');
    expect((await env.run(['label', 'rc', 'web', 'team-'])).stdout).toBe('replicationcontroller/web unlabeled\n');
    const live = await rcJson();
    expect(live.metadata.annotations?.description).toBe('the web tier');
    expect(live.metadata.labels).toEqual({ app: 'web' });
  });

  it('waits for graceful deletion to finish', async () => {
    const pod = env.file('bound.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bound\nspec:\n  nodeName: node-1\n  containers:\n  - name: a\n    image: kubets/busybox:1.36\n');
    expect((await env.run(['create', '-f', pod])).stdout).toBe('pod/bound created\n');
    // No kubelet runs: the pod stays Terminating until someone finishes the deletion.
    let finished = false;
    const deleting = env.run(['delete', 'pod', 'bound']).finally(() => (finished = true));
    const client = env.cp.client();
    for (let i = 0; i < 300; i++) {
      const current = await client.resource('pod').get('default', 'bound');
      if (current.metadata?.deletionTimestamp) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const terminating = parse((await env.run(['get', 'pod', 'bound', '-o', 'yaml'])).stdout) as { metadata: { deletionTimestamp?: string } };
    expect(terminating.metadata.deletionTimestamp).toBeDefined();
    expect(finished).toBe(false);
    await client.resource('pod').delete('default', 'bound', { gracePeriodSeconds: 0 });
    // Waiting all along, it ends once the object is gone.
    expect(await deleting).toEqual({ stdout: 'pod "bound" deleted\n', stderr: '', code: 0 });
  });

  it('does not wait with --wait=false and reports a timeout otherwise', async () => {
    const pod = env.file('bound2.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: bound2\nspec:\n  nodeName: node-1\n  containers:\n  - name: a\n    image: kubets/busybox:1.36\n');
    await env.run(['create', '-f', pod]);
    expect((await env.run(['delete', 'pod', 'bound2', '--wait=false'])).stdout).toBe('pod "bound2" deleted\n');
    expect(await env.run(['delete', 'pod', 'bound2', '--timeout=1s'])).toEqual({
      stdout: 'pod "bound2" deleted\n',
      stderr: 'error: timed out waiting for the condition on pods/bound2\n',
      code: 1,
    });
    const forced = await env.run(['delete', 'pod', 'bound2', '--force']);
    expect(forced.stdout).toBe('pod "bound2" force deleted\n');
    expect(forced.stderr).toMatch(/^Warning: Immediate deletion does not wait for confirmation/);
  });
});
