import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runVerb } from '../../../cli/testing/run-verb.js';
import type { Container } from '../../../lib/api/generated/index.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { kubectl, kubectlOk, requireKubectl, writeKubeconfig } from './rest-helpers.js';

// The write verbs' replace, --dry-run, -o and server-side apply paths, each run through the real
// kubectl 1.32 and through kubets against one apiserver, on objects of the same shape (each tool
// its own, so one's write never feeds the other's answer): what they print, their exit codes, and
// that a dry run or a refused flag changed nothing.

const dir = mkdtempSync(join(tmpdir(), 'kubets-write-verbs-'));

function configMap(name: string, data: Record<string, string>, extra = ''): string {
  const lines = Object.entries(data).map(([k, v]) => `  ${k}: "${v}"`);
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n${extra}data:\n${lines.join('\n')}\n`;
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** What may differ between two runs of the same command: versions, uids, times, and the object's own name. */
function masked(text: string, name: string, as: string): string {
  return text
    .replaceAll(name, as)
    .replace(/resourceVersion: "\d+"/g, 'resourceVersion: "N"')
    .replace(/"resourceVersion": "\d+"/g, '"resourceVersion": "N"')
    .replace(/uid: [0-9a-f-]{36}/g, 'uid: UID')
    .replace(/"uid": "[0-9a-f-]{36}"/g, '"uid": "UID"')
    .replace(/creationTimestamp: "[^"]+"/g, 'creationTimestamp: "T"')
    .replace(/"creationTimestamp": "[^"]+"/g, '"creationTimestamp": "T"');
}

describe('write verbs print what kubectl 1.32 prints', () => {
  const f = useControlPlane();
  let config: string;
  const kubets = (...args: string[]) => runVerb(args, { client: f.client });
  const data = async (name: string) => (await f.client.resource('configMap').get('default', name)).data;

  beforeAll(() => {
    requireKubectl();
    config = writeKubeconfig(f.cp, 'admin');
  });

  /** Runs the same command through each tool on its own object (kc-NAME for kubectl, ks-NAME for kubets), outputs masked to NAME. */
  async function both(name: string, args: (n: string) => string[], setup?: (n: string) => Promise<void>) {
    const [k, t] = [`kc-${name}`, `ks-${name}`];
    if (setup) await Promise.all([setup(k), setup(t)]);
    const want = await kubectl(config, args(k));
    const got = await kubets(...args(t));
    return { want: { ...want, stdout: masked(want.stdout, k, name), stderr: masked(want.stderr, k, name) }, got: { ...got, stdout: masked(got.stdout, t, name), stderr: masked(got.stderr, t, name) } };
  }

  const create = (data: Record<string, string>) => async (n: string) => {
    await f.client.resource('configMap').create({ metadata: { name: n, namespace: 'default' }, data });
  };

  it('replace writes the whole object, and fails on one that does not exist', async () => {
    const { want, got } = await both('rep', (n) => ['replace', '-f', file(`${n}.yaml`, configMap(n, { b: '2' }))], create({ a: '1' }));
    expect(got).toEqual({ stdout: want.stdout, stderr: want.stderr, code: want.code });
    expect(got.stdout).toBe('configmap/rep replaced\n');
    expect(await data('ks-rep')).toEqual({ b: '2' });

    const missing = await both('rep-missing', (n) => ['replace', '-f', file(`${n}.yaml`, configMap(n, { b: '2' }))]);
    expect(missing.got.code).toBe(1);
    expect(missing.got.stderr).toBe(missing.want.stderr);
    expect(missing.got.stderr).toMatch(/^Error from server \(NotFound\): error when replacing ".*rep-missing\.yaml": configmaps "rep-missing" not found\n$/);
  });

  it('replace with a stale resourceVersion is a conflict naming it, and writes nothing', async () => {
    await create({ a: '1' })('ks-stale');
    const live = await f.client.resource('configMap').get('default', 'ks-stale');
    await f.client.resource('configMap').update({ ...live, data: { a: 'newer' } });
    const r = await kubets('replace', '-f', file('stale.yaml', configMap('ks-stale', { b: '2' }, `  resourceVersion: "${live.metadata?.resourceVersion}"\n`)));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (Conflict): error when replacing');
    expect(r.stderr).toContain('the object has been modified; please apply your changes to the latest version and try again');
    expect(await data('ks-stale')).toEqual({ a: 'newer' });
  });

  it('replace --force deletes and creates again', async () => {
    const { want, got } = await both('forced', (n) => ['replace', '--force', '-f', file(`${n}.yaml`, configMap(n, { c: '3' }))], create({ a: '1' }));
    expect(got).toEqual({ stdout: want.stdout, stderr: want.stderr, code: want.code });
    expect(got.stdout).toBe('configmap "forced" deleted\nconfigmap/forced replaced\n');
    expect(await data('ks-forced')).toEqual({ c: '3' });
  });

  it.each(['--grace-period=0', '--force --dry-run=client', '--cascade=sideways', '--dry-run=maybe', '-o xml'])('replace refuses %s as kubectl does', async (flagText) => {
    const args = ['replace', ...flagText.split(' ')];
    const { want, got } = await both('flags', (n) => [...args, '-f', file(`${n}-flags.yaml`, configMap(n, { z: '9' }))], create({ a: '1' }));
    expect(got.code).toBe(want.code);
    expect(got.code).not.toBe(0);
    if (!args.includes('xml')) expect(got.stderr).toBe(want.stderr);
    expect(await data('ks-flags')).toEqual({ a: '1' });
    await f.client.resource('configMap').delete('default', 'ks-flags');
    await f.client.resource('configMap').delete('default', 'kc-flags');
  });

  it.each([
    ['create', '--dry-run=client -o yaml'],
    ['create', '--dry-run=server -o name'],
    ['create', '--dry-run=server'],
    ['apply', '--dry-run=client -o yaml'],
    ['apply', '--dry-run=server'],
    ['replace', '--dry-run=server'],
  ])('%s %s prints the object or its dry-run line and stores nothing', async (verb, flagText) => {
    const flags = flagText.split(' ');
    const needsLive = verb === 'replace';
    const { want, got } = await both(
      `dry-${verb}-${flags.length}`,
      (n) => [verb, ...flags, '-f', file(`${n}-dry.yaml`, configMap(n, { d: '4' }))],
      needsLive ? create({ a: '1' }) : undefined,
    );
    expect(got).toEqual({ stdout: want.stdout, stderr: want.stderr, code: want.code });
    const stored = await f.client.resource('configMap').get('default', `ks-dry-${verb}-${flags.length}`).catch(() => undefined);
    expect(stored?.data).toEqual(needsLive ? { a: '1' } : undefined);
  });

  it('apply -o yaml prints the applied object', async () => {
    const { want, got } = await both('applied', (n) => ['apply', '-o', 'yaml', '-f', file(`${n}.yaml`, configMap(n, { e: '5' }))]);
    expect(got).toEqual({ stdout: want.stdout, stderr: want.stderr, code: want.code });
  });

  it('label, annotate and delete dry runs print kubectl\'s lines and change nothing', async () => {
    for (const args of [
      (n: string) => ['label', 'configmap', n, 'tier=db', '--dry-run=client'],
      (n: string) => ['label', 'configmap', n, 'tier=db', '--dry-run=server'],
      (n: string) => ['annotate', 'configmap', n, 'note=x', '--dry-run=client', '-o', 'name'],
      (n: string) => ['delete', 'configmap', n, '--dry-run=client'],
      (n: string) => ['delete', 'configmap', n, '--dry-run=server'],
    ]) {
      const { want, got } = await both('untouched', args, async (n) => {
        await f.client.resource('configMap').delete('default', n).catch(() => undefined);
        await create({ a: '1' })(n);
      });
      expect(got, args('x').join(' ')).toEqual({ stdout: want.stdout, stderr: want.stderr, code: want.code });
      const live = await f.client.resource('configMap').get('default', 'ks-untouched');
      expect(live.metadata?.labels ?? {}).toEqual({});
      expect(live.metadata?.annotations ?? {}).toEqual({});
    }
  });

  it('apply --server-side applies, reports a conflict in kubectl\'s words, and takes fields with --force-conflicts', async () => {
    const applied = await both('ssa', (n) => ['apply', '--server-side', '-f', file(`${n}.yaml`, configMap(n, { f: '6' }))]);
    expect(applied.got).toEqual({ stdout: applied.want.stdout, stderr: applied.want.stderr, code: applied.want.code });
    expect(applied.got.stdout).toBe('configmap/ssa serverside-applied\n');

    const other = (n: string) => ['apply', '--server-side', '--field-manager', 'other', '-f', file(`${n}-other.yaml`, configMap(n, { f: '7' }))];
    const conflict = await both('ssa', other);
    expect(conflict.got).toEqual({ stdout: conflict.want.stdout, stderr: conflict.want.stderr, code: conflict.want.code });
    expect(await data('ks-ssa')).toEqual({ f: '6' });

    const forced = await both('ssa', (n) => [...other(n), '--force-conflicts']);
    expect(forced.got).toEqual({ stdout: forced.want.stdout, stderr: forced.want.stderr, code: forced.want.code });
    expect(await data('ks-ssa')).toEqual({ f: '7' });

    const clientDry = await both('ssa', (n) => ['apply', '--server-side', '--dry-run=client', '-f', file(`${n}.yaml`, configMap(n, { f: '6' }))]);
    expect(clientDry.got).toEqual({ stdout: clientDry.want.stdout, stderr: clientDry.want.stderr, code: clientDry.want.code });
  });

  const deployment = (env: { name: string; value: string }[] = [{ name: 'A', value: '1' }]) => async (n: string) => {
    await f.client.resource('deployment').create({
      metadata: { name: n, namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: n } }, template: { metadata: { labels: { app: n } }, spec: { containers: [{ name: 'app', image: 'kubets/busybox:1.36', env }] } } },
    });
  };
  const template = async (name: string) => (await f.client.resource('deployment').get('default', name)).spec?.template?.spec?.containers?.[0];

  it.each([
    ['env', (n: string) => ['set', 'env', `deployment/${n}`, 'B=2']],
    ['env-remove', (n: string) => ['set', 'env', `deployment/${n}`, 'A-']],
    ['env-list', (n: string) => ['set', 'env', `deployment/${n}`, '--list']],
    ['env-bad-name', (n: string) => ['set', 'env', `deployment/${n}`, '1A=2']],
    ['env-no-overwrite', (n: string) => ['set', 'env', `deployment/${n}`, 'A=3', '--overwrite=false']],
    ['env-no-container', (n: string) => ['set', 'env', `deployment/${n}`, 'A=3', '-c', 'zz']],
    ['env-nothing', (n: string) => ['set', 'env', `deployment/${n}`]],
    ['env-dry', (n: string) => ['set', 'env', `deployment/${n}`, 'B=2', '--dry-run=client', '-o', 'yaml']],
    ['env-from', (n: string) => ['set', 'env', `deployment/${n}`, '--from=configmap/env-source', '--prefix=P_']],
    ['resources', (n: string) => ['set', 'resources', `deployment/${n}`, '--limits=cpu=200m,memory=512Mi', '--requests=cpu=100m']],
    ['resources-bad', (n: string) => ['set', 'resources', `deployment/${n}`, '--limits=cpu=lots']],
    ['resources-none', (n: string) => ['set', 'resources', `deployment/${n}`]],
    ['resources-no-container', (n: string) => ['set', 'resources', `deployment/${n}`, '--limits=cpu=1', '-c', 'zz']],
    ['image-server-dry', (n: string) => ['set', 'image', `deployment/${n}`, 'app=kubets/busybox:1.37', '--dry-run=server']],
    ['selector-not-service', (n: string) => ['set', 'selector', `deployment/${n}`, 'app=x']],
    ['scale-dry', (n: string) => ['scale', 'deployment', n, '--replicas=3', '--dry-run=client']],
    ['scale-server-dry', (n: string) => ['scale', 'deployment', n, '--replicas=3', '--dry-run=server']],
    ['scale-name', (n: string) => ['scale', 'deployment', n, '--replicas=2', '-o', 'name']],
    ['autoscale-dry', (n: string) => ['autoscale', 'deployment', n, '--max=3', '--dry-run=client']],
    ['patch-yaml', (n: string) => ['patch', 'deployment', n, '-p', '{"metadata":{"labels":{"x":"y"}}}', '--dry-run=server', '-o', 'jsonpath={.metadata.labels}']],
  ])('set/scale/autoscale/patch %s as kubectl', async (name, args) => {
    await f.client.resource('configMap').create({ metadata: { name: 'env-source', namespace: 'default' }, data: { 'log-level': 'debug', mode: 'fast' } }).catch(() => undefined);
    const { want, got } = await both(name, args, deployment());
    // kubectl takes --from's keys in Go's map order, which changes from run to run: lines and variables are compared as sets.
    const lines = (text: string) => text.split('\n').sort();
    expect({ ...got, stderr: lines(got.stderr) }).toEqual({ stdout: want.stdout, stderr: lines(want.stderr), code: want.code });
    const byName = (c: Container | undefined) => ({ ...c, env: [...(c?.env ?? [])].sort((a, b) => (a.name ?? '').localeCompare(b.name ?? '')) });
    const [kc, ks] = await Promise.all([template(`kc-${name}`), template(`ks-${name}`)]);
    expect(byName(ks)).toEqual(byName(kc));
  });

  it('set selector replaces a Service\'s selector, taint dry runs leave the node alone', async () => {
    const service = async (n: string) => {
      await f.client.resource('service').create({ metadata: { name: n, namespace: 'default' }, spec: { selector: { app: 'old' }, ports: [{ port: 80 }] } });
    };
    const selector = await both('svc', (n) => ['set', 'selector', `service/${n}`, 'app=web,tier=front'], service);
    expect(selector.got).toEqual({ stdout: selector.want.stdout, stderr: selector.want.stderr, code: selector.want.code });
    expect((await f.client.resource('service').get('default', 'ks-svc')).spec?.selector).toEqual({ app: 'web', tier: 'front' });

    const node = async (n: string) => {
      await f.client.resource('node').create({ metadata: { name: n } });
    };
    for (const flags of [['--dry-run=client'], ['--dry-run=server', '-o', 'name']]) {
      const taint = await both('tainted', (n) => ['taint', 'nodes', n, 'k=v:NoSchedule', ...flags], flags[0] === '--dry-run=client' ? node : undefined);
      expect(taint.got).toEqual({ stdout: taint.want.stdout, stderr: taint.want.stderr, code: taint.want.code });
      expect((await f.client.resource('node').get('', 'ks-tainted')).spec?.taints ?? []).toEqual([]);
    }
  });

  it('says why -k is not supported and changes nothing', async () => {
    for (const verb of ['apply', 'create', 'replace', 'delete', 'diff']) {
      const r = await kubets(verb, '-k', dir);
      expect(r.code, verb).toBe(1);
      expect(r.stderr, verb).toMatch(/^error: -k .*: kustomizations are not supported by kubets .*kustomize build .* \| kubets apply -f -\n$/);
    }
  });

  it('the objects kubectl made are what kubets made', async () => {
    const names = (await kubectlOk(config, ['get', 'configmaps', '-o', 'name'])).split('\n').filter(Boolean);
    const kubetsNames = names.filter((n) => n.startsWith('configmap/ks-')).map((n) => n.replace('configmap/ks-', ''));
    const kubectlNames = names.filter((n) => n.startsWith('configmap/kc-')).map((n) => n.replace('configmap/kc-', ''));
    expect(kubetsNames.filter((n) => n !== 'stale').sort()).toEqual(kubectlNames.sort());
  });
});
