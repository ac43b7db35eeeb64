import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { runVerb } from '../testing/run-verb.js';

const api = useFakeApiServer();
const run = (...argv: string[]) => runVerb(argv, { client: api.client });

async function createDeployment() {
  await api.client.resource('deployment').create({
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', ports: [{ containerPort: 80 }, { containerPort: 443 }] }, { name: 'sidecar', image: 'busybox' }] },
      },
    },
  });
}

describe('run', () => {
  it('creates a pod labelled run=NAME with the arguments after --', async () => {
    expect(await run('run', 'tools', '--image=busybox', '--env=A=1', '--port=8080', '--restart=Never', '--', 'sleep', '3600')).toEqual({
      stdout: 'pod/tools created\n',
      stderr: '',
      code: 0,
    });
    const pod = api.fake.stored('pod', 'default', 'tools');
    expect(pod?.metadata?.labels).toEqual({ run: 'tools' });
    expect(pod?.spec?.restartPolicy).toBe('Never');
    expect(pod?.spec?.containers?.[0]).toMatchObject({ name: 'tools', image: 'busybox', args: ['sleep', '3600'], env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 8080 }] });
    await run('run', 'sh', '--image=busybox', '--command', '--', 'sh', '-c', 'true');
    expect(api.fake.stored('pod', 'default', 'sh')?.spec?.containers?.[0]?.command).toEqual(['sh', '-c', 'true']);
  });

  it('exposes, dry-runs and prints, and rejects what it cannot do', async () => {
    expect((await run('run', 'web', '--image=nginx', '--port=80', '--expose')).stdout).toBe('service/web created\npod/web created\n');
    expect(api.fake.stored('service', 'default', 'web')?.spec?.selector).toEqual({ run: 'web' });
    const dry = await run('run', 'x', '--image=nginx', '--dry-run=client', '-o', 'yaml');
    expect(dry.stdout).toContain('kind: Pod');
    expect(dry.stdout).toContain('image: nginx');
    expect(api.fake.stored('pod', 'default', 'x')).toBeUndefined();
    expect((await run('run', 'x', '--image=nginx', '--dry-run=server')).stdout).toBe('pod/x created (server dry run)\n');
    expect(api.fake.stored('pod', 'default', 'x')).toBeUndefined();
    expect((await run('run', 'x')).stderr).toBe('error: required flag(s) "image" not set\n');
    expect((await run('run', 'x', '--image=i', '--expose')).stderr).toBe('error: --port must be set when exposing a service\n');
    expect((await run('run', 'x', '--image=i', '--restart=Sometimes')).stderr).toBe('error: invalid restart policy: Sometimes\n');
    expect((await run('run', 'x', '--image=i', '--rm')).stderr).toBe('error: --rm should only be used for attached containers\n');
    expect((await run('run', 'x', '--image=i', '--env=NOVALUE')).stderr).toBe('error: invalid env: "NOVALUE" (expected KEY=VALUE)\n');
  });

  it('attaches to the pod once it runs and deletes it with --rm', async () => {
    // Stands in for the scheduler and kubelet: the pod starts as soon as it exists.
    const pods = api.client.resource('pod');
    const started = (async () => {
      for (let i = 0; i < 200; i++) {
        const pod = await pods.get('default', 'once').catch(() => undefined);
        if (pod) return pods.updateStatus({ ...pod, status: { phase: 'Running' } });
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    api.fake.execHandler = (start, io) => {
      io.stdout(`attached to ${start.name}/${start.container} with ${start.command?.length ?? 0} command words\n`);
      return 0;
    };
    const result = await run('run', 'once', '--image=busybox', '--rm', '--attach', '--restart=Never', '--', 'echo', 'hi');
    await started;
    expect(result).toEqual({ stdout: 'attached to once/once with 0 command words\npod "once" deleted\n', stderr: '', code: 0 });
    expect(api.fake.stored('pod', 'default', 'once')).toBeUndefined();
  });
});

describe('expose', () => {
  it('builds the service from the resource\'s selector and ports', async () => {
    await createDeployment();
    expect(await run('expose', 'deployment', 'web', '--port=8080', '--target-port=80', '--type=NodePort')).toEqual({ stdout: 'service/web exposed\n', stderr: '', code: 0 });
    expect(api.fake.stored('service', 'default', 'web')?.spec).toMatchObject({ type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 8080, targetPort: { intVal: 80 }, protocol: 'TCP' }] });
    expect((await run('expose', 'deploy/web', '--name=web-all')).stdout).toBe('service/web-all exposed\n');
    expect(api.fake.stored('service', 'default', 'web-all')?.spec?.ports).toEqual([
      { name: 'port-1', protocol: 'TCP', port: 80, targetPort: { intVal: 80 } },
      { name: 'port-2', protocol: 'TCP', port: 443, targetPort: { intVal: 443 } },
    ]);
    expect(api.fake.stored('service', 'default', 'web-all')?.metadata?.labels).toEqual({ app: 'web' });
  });

  it('says what is missing', async () => {
    await api.client.resource('pod').create({ metadata: { name: 'bare', namespace: 'default' }, spec: { containers: [{ name: 'c', image: 'i' }] } });
    await api.client.resource('node').create({ metadata: { name: 'n1' } });
    expect((await run('expose', 'pod', 'bare', '--port=80')).stderr).toMatch(/^error: couldn't retrieve selectors via --selector flag or introspection/);
    expect((await run('expose', 'pod', 'bare', '--selector=a=b')).stderr).toBe("error: couldn't find port via --port flag or introspection\n");
    expect((await run('expose', 'node', 'n1', '--port=80')).stderr).toBe('error: cannot expose a Node\n');
    expect((await run('expose', 'pod', 'nope', '--port=80')).stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });
});

describe('set image', () => {
  it('updates named containers or all of them, and names a missing one', async () => {
    await createDeployment();
    expect(await run('set', 'image', 'deployment/web', 'nginx=nginx:1.27')).toEqual({ stdout: 'deployment.apps/web image updated\n', stderr: '', code: 0 });
    expect(api.fake.stored('deployment', 'default', 'web')?.spec?.template?.spec?.containers?.map((c) => c.image)).toEqual(['nginx:1.27', 'busybox']);
    expect((await run('set', 'image', 'deployment/web', 'nginx=nginx:1.27')).stdout).toBe('');
    expect((await run('set', 'image', 'deployment', 'web', '*=registry.local/all:1')).stdout).toBe('deployment.apps/web image updated\n');
    expect(api.fake.stored('deployment', 'default', 'web')?.spec?.template?.spec?.containers?.map((c) => c.image)).toEqual(['registry.local/all:1', 'registry.local/all:1']);
    expect((await run('set', 'image', 'deployment/web', 'db=mysql')).stderr).toBe('error: unable to find container named "db"\n');
    expect((await run('set', 'image', 'deployment/web')).stderr).toBe('error: at least one image update is required\n');
  });
});

describe('create generators', () => {
  it('creates namespaces, config maps and secrets from literals, files and env files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubets-create-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'app.properties'), 'color=blue\n');
    writeFileSync(join(dir, 'app.env'), '# settings\nMODE=fast\n\nLEVEL=3\n');
    mkdirSync(join(dir, 'conf'));
    writeFileSync(join(dir, 'conf', 'a.txt'), 'A');
    writeFileSync(join(dir, 'conf', 'b.txt'), 'B');
    expect((await run('create', 'namespace', 'dev')).stdout).toBe('namespace/dev created\n');
    expect(
      (await run('create', 'configmap', 'cfg', '--from-literal=k=v', `--from-file=${join(dir, 'app.properties')}`, `--from-file=custom=${join(dir, 'app.properties')}`)).stdout,
    ).toBe('configmap/cfg created\n');
    expect(api.fake.stored('configMap', 'default', 'cfg')?.data).toEqual({ k: 'v', 'app.properties': 'color=blue\n', custom: 'color=blue\n' });
    expect((await run('create', 'configmap', 'env', `--from-env-file=${join(dir, 'app.env')}`)).stdout).toBe('configmap/env created\n');
    expect(api.fake.stored('configMap', 'default', 'env')?.data).toEqual({ MODE: 'fast', LEVEL: '3' });
    expect((await run('create', 'configmap', 'mixed', '--from-literal=k=v', `--from-env-file=${join(dir, 'app.env')}`)).stderr).toBe(
      'error: from-env-file cannot be combined with from-file or from-literal\n',
    );
    expect((await run('create', 'cm', 'dir', `--from-file=${join(dir, 'conf')}`)).stdout).toBe('configmap/dir created\n');
    expect(api.fake.stored('configMap', 'default', 'dir')?.data).toEqual({ 'a.txt': 'A', 'b.txt': 'B' });
    expect((await run('create', 'secret', 'generic', 'db', '--from-literal=password=s3cret')).stdout).toBe('secret/db created\n');
    const secret = api.fake.stored('secret', 'default', 'db');
    // The type is the server's default (Opaque), as kubectl leaves it out without --type.
    expect(secret?.type).toBeUndefined();
    expect(Buffer.from(secret!.data!.password!).toString()).toBe('s3cret');
    expect((await run('create', 'configmap', 'dup', '--from-literal=k=1', '--from-literal=k=2')).stderr).toBe(
      'error: cannot add key k, another key by that name already exists in data\n',
    );
    expect((await run('create', 'configmap', 'bad', '--from-literal=novalue')).stderr).toBe('error: invalid literal source novalue, expected key=value\n');
    expect((await run('create', 'configmap', 'gone', '--from-file=/nonexistent/x')).stderr).toBe('error: error reading /nonexistent/x: no such file or directory\n');
  });

  it('creates deployments and services as kubectl generates them', async () => {
    expect((await run('create', 'deployment', 'web', '--image=registry.local/nginx:1.25', '--replicas=2', '--port=80')).stdout).toBe('deployment.apps/web created\n');
    const deployment = api.fake.stored('deployment', 'default', 'web');
    expect(deployment?.spec?.replicas).toBe(2);
    expect(deployment?.spec?.selector?.matchLabels).toEqual({ app: 'web' });
    expect(deployment?.spec?.template?.spec?.containers).toEqual([{ name: 'nginx', image: 'registry.local/nginx:1.25', ports: [{ containerPort: 80 }] }]);
    expect((await run('create', 'service', 'nodeport', 'web', '--tcp=8080:80', '--node-port=30080')).stdout).toBe('service/web created\n');
    expect(api.fake.stored('service', 'default', 'web')?.spec).toMatchObject({
      type: 'NodePort',
      selector: { app: 'web' },
      ports: [{ name: '8080-80', port: 8080, targetPort: { intVal: 80 }, nodePort: 30080 }],
    });
    expect((await run('create', 'service', 'clusterip', 'db', '--clusterip=None', '--dry-run=client', '-o', 'name')).stdout).toBe('service/db\n');
    expect((await run('create', 'deployment', 'x')).stderr).toBe('error: required flag(s) "image" not set\n');
    expect((await run('create', 'service', 'clusterip', 'x', '--tcp=http')).stderr).toBe('error: invalid --tcp "http": expected port[:targetPort]\n');
  });
});
