import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isMirrorPod, isStaticPod, readManifestDirectory, StaticPodSource, staticPodFromManifest } from './static-pods.js';

const POD_YAML = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: app\n    image: busybox:1.36\n';

describe('staticPodFromManifest', () => {
  it('names, binds and annotates the pod with a uid stable for the same node, file and content', () => {
    const pod = staticPodFromManifest(POD_YAML, '/etc/manifests/web.yaml', 'node-a');
    expect(pod.metadata).toMatchObject({ name: 'web-node-a', namespace: 'default', uid: expect.stringMatching(/^[0-9a-f]{32}$/) });
    expect(pod.metadata?.annotations).toEqual({ 'kubernetes.io/config.source': 'file', 'kubernetes.io/config.hash': pod.metadata?.uid });
    expect(pod.spec?.nodeName).toBe('node-a');
    expect(isStaticPod(pod)).toBe(true);
    expect(isMirrorPod(pod)).toBe(false);
    expect(staticPodFromManifest(POD_YAML, '/etc/manifests/web.yaml', 'node-a').metadata?.uid).toBe(pod.metadata?.uid);
    expect(staticPodFromManifest(POD_YAML, '/etc/manifests/web.yaml', 'node-b').metadata?.uid).not.toBe(pod.metadata?.uid);
    expect(staticPodFromManifest(POD_YAML.replace('1.36', '1.37'), '/etc/manifests/web.yaml', 'node-a').metadata?.uid).not.toBe(pod.metadata?.uid);
  });

  it('accepts JSON and keeps a given namespace', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'kube-system' }, spec: { containers: [{ name: 'c', image: 'i:1' }] } });
    expect(staticPodFromManifest(json, 'x.json', 'n').metadata).toMatchObject({ name: 'x-n', namespace: 'kube-system' });
  });

  it.each([
    ['not: [valid', /invalid YAML or JSON/],
    ['apiVersion: v1\nkind: Service\nmetadata: {name: s}\n', /must hold a Pod, not a Service/],
    ['apiVersion: v1\nkind: Pod\nmetadata: {}\nspec: {}\n', /metadata.name is required/],
    ['apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {bogus: 1}\n', /bogus/],
  ])('rejects %j', (text, message) => {
    expect(() => staticPodFromManifest(text, 'm.yaml', 'n')).toThrow(message);
  });
});

describe('manifest directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'static-pods-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads manifests, skips hidden and other files, and reports bad or duplicate ones', async () => {
    await writeFile(join(dir, 'a.yaml'), POD_YAML);
    await writeFile(join(dir, 'b.yml'), POD_YAML.replace('busybox', 'other'));
    await writeFile(join(dir, 'c.yaml'), 'kind: Pod');
    await writeFile(join(dir, '.hidden.yaml'), POD_YAML);
    await writeFile(join(dir, 'notes.txt'), 'hello');
    const { pods, errors } = await readManifestDirectory(dir, 'n');
    expect(pods.map((p) => p.metadata?.name)).toEqual(['web-n']);
    expect(errors.map((e) => e.message)).toEqual([
      `${join(dir, 'b.yml')}: pod default/web-n is already defined in ${join(dir, 'a.yaml')}`,
      `${join(dir, 'c.yaml')}: Object 'apiVersion' is missing`,
    ]);
  });

  it('holds no pods when the directory does not exist', async () => {
    expect(await readManifestDirectory(join(dir, 'missing'), 'n')).toEqual({ pods: [], errors: [] });
  });

  it('tells about changes to the set of pods, and only about changes', async () => {
    const seen: string[][] = [];
    const source = new StaticPodSource({ dir, nodeName: 'n', onChange: (pods) => seen.push(pods.map((p) => p.metadata?.name ?? '')), checkIntervalMs: 60_000 });
    await source.start();
    await writeFile(join(dir, 'a.yaml'), POD_YAML);
    await source.scan();
    await source.scan();
    await rm(join(dir, 'a.yaml'));
    await source.scan();
    source.stop();
    expect(seen).toEqual([[], ['web-n'], []]);
  });
});
