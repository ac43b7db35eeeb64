import { describe, expect, it } from 'vitest';
import type { Pod } from '../../lib/api/generated/index.js';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { runVerb } from '../testing/run-verb.js';
import { planDrain } from './drain.js';

const api = useFakeApiServer();
const run = (...argv: string[]) => runVerb(argv, { client: api.client });

async function createNode(name: string, labels: Record<string, string> = {}) {
  await api.client.resource('node').create({ metadata: { name, labels } });
}

function pod(name: string, extra: { owner?: string; emptyDir?: boolean; phase?: string; mirror?: boolean; node?: string } = {}): Pod {
  return {
    metadata: {
      name,
      namespace: 'default',
      ...(extra.owner ? { ownerReferences: [{ apiVersion: 'v1', kind: extra.owner, name: 'owner', uid: 'u1', controller: true }] } : {}),
      ...(extra.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'hash' } } : {}),
    },
    spec: {
      nodeName: extra.node ?? 'n1',
      containers: [{ name: 'c', image: 'busybox' }],
      ...(extra.emptyDir ? { volumes: [{ name: 'scratch', emptyDir: {} }] } : {}),
    },
    ...(extra.phase ? { status: { phase: extra.phase } } : {}),
  };
}

describe('cordon and uncordon', () => {
  it('flip spec.unschedulable with kubectl\'s messages', async () => {
    await createNode('n1');
    expect(await run('cordon', 'n1')).toEqual({ stdout: 'node/n1 cordoned\n', stderr: '', code: 0 });
    expect(api.fake.stored('node', '', 'n1')?.spec?.unschedulable).toBe(true);
    expect((await run('cordon', 'n1')).stdout).toBe('node/n1 already cordoned\n');
    expect((await run('uncordon', 'n1', '--dry-run=client')).stdout).toBe('node/n1 uncordoned (dry run)\n');
    expect(api.fake.stored('node', '', 'n1')?.spec?.unschedulable).toBe(true);
    expect((await run('uncordon', 'n1')).stdout).toBe('node/n1 uncordoned\n');
    expect((await run('uncordon', 'n1')).stdout).toBe('node/n1 already uncordoned\n');
  });

  it('select nodes by label and name missing ones', async () => {
    await createNode('n1', { pool: 'a' });
    await createNode('n2', { pool: 'a' });
    await createNode('n3', { pool: 'b' });
    expect((await run('cordon', '-l', 'pool=a')).stdout).toBe('node/n1 cordoned\nnode/n2 cordoned\n');
    expect(api.fake.stored('node', '', 'n3')?.spec?.unschedulable).toBeFalsy();
    expect(await run('cordon', 'nope')).toMatchObject({ stderr: 'Error from server (NotFound): nodes "nope" not found\n', code: 1 });
    expect((await run('cordon')).stderr).toContain('USAGE: cordon NODE [flags]');
    expect((await run('cordon', 'n1', '-l', 'pool=a')).stderr).toBe('error: cannot specify both a node name and a --selector option\n');
  });
});

describe('drain', () => {
  it('plans by kubectl\'s filters: DaemonSet, local storage, unmanaged, mirror and finished pods', () => {
    const pods = [pod('rs', { owner: 'ReplicaSet' }), pod('ds', { owner: 'DaemonSet' }), pod('bare'), pod('scratch', { owner: 'ReplicaSet', emptyDir: true }), pod('mirror', { mirror: true }), pod('done', { phase: 'Succeeded' })];
    const strict = planDrain(pods, {});
    expect(strict.remove.map((p) => p.metadata?.name)).toEqual(['rs', 'done']);
    expect([...strict.errors]).toEqual([
      ['cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore)', ['default/ds']],
      ['cannot delete Pods that declare no controller (use --force to override)', ['default/bare']],
      ['cannot delete Pods with local storage (use --delete-emptydir-data to override)', ['default/scratch']],
    ]);
    const loose = planDrain(pods, { force: true, ignoreDaemonsets: true, deleteEmptydirData: true });
    expect(loose.errors.size).toBe(0);
    expect(loose.remove.map((p) => p.metadata?.name)).toEqual(['rs', 'bare', 'scratch', 'done']);
    expect([...loose.warnings.keys()]).toEqual(['ignoring DaemonSet-managed Pods', 'deleting Pods that declare no controller', 'deleting Pods with local storage']);
  });

  it('cordons, evicts the node\'s pods and waits for them to be gone', async () => {
    await createNode('n1');
    await createNode('n2');
    for (const p of [pod('web-1', { owner: 'ReplicaSet' }), pod('web-2', { owner: 'ReplicaSet', node: 'n2' })]) await api.client.resource('pod').create(p);
    const result = await run('drain', 'n1', '--timeout=10s');
    expect(result).toEqual({ stdout: 'node/n1 cordoned\nevicting pod default/web-1\npod/web-1 evicted\nnode/n1 drained\n', stderr: '', code: 0 });
    expect(api.fake.stored('pod', 'default', 'web-1')).toBeUndefined();
    expect(api.fake.stored('pod', 'default', 'web-2')).toBeDefined();
  });

  it('refuses unmanaged pods without --force and names the pending node', async () => {
    await createNode('n1');
    await api.client.resource('pod').create(pod('bare'));
    expect(await run('drain', 'n1')).toEqual({
      stdout: 'node/n1 cordoned\n',
      stderr:
        'error: unable to drain node "n1" due to error: cannot delete Pods that declare no controller (use --force to override): default/bare, continuing command...\n' +
        'There are pending nodes to be drained:\n n1\n',
      code: 1,
    });
    expect(api.fake.stored('pod', 'default', 'bare')).toBeDefined();
    const forced = await run('drain', 'n1', '--force');
    expect(forced.stderr).toBe('Warning: deleting Pods that declare no controller: default/bare\n');
    expect(forced.stdout).toBe('node/n1 already cordoned\nevicting pod default/bare\npod/bare evicted\nnode/n1 drained\n');
  });
});

describe('taint', () => {
  it('adds, overwrites and removes taints with kubectl\'s messages', async () => {
    await createNode('n1');
    expect((await run('taint', 'nodes', 'n1', 'dedicated=db:NoSchedule')).stdout).toBe('node/n1 tainted\n');
    expect((await run('taint', 'nodes', 'n1', 'dedicated=web:NoSchedule')).stderr).toBe(
      'error: node n1 already has dedicated taint(s) with same effect(s) and --overwrite is false\n',
    );
    expect((await run('taint', 'node/n1', 'dedicated=web:NoSchedule', '--overwrite')).stdout).toBe('node/n1 modified\n');
    expect((await run('taint', 'nodes', 'n1', 'gpu:NoExecute')).stdout).toBe('node/n1 tainted\n');
    const taints = api.fake.stored('node', '', 'n1')?.spec?.taints ?? [];
    expect(taints.map((t) => [t.key, t.value ?? '', t.effect])).toEqual([
      ['gpu', '', 'NoExecute'],
      ['dedicated', 'web', 'NoSchedule'],
    ]);
    expect(taints[0]?.timeAdded).toMatch(/^\d{4}-/);
    expect((await run('taint', 'nodes', 'n1', 'dedicated-')).stdout).toBe('node/n1 untainted\n');
    expect((await run('taint', 'nodes', 'n1', 'gpu:NoSchedule-')).stderr).toBe('error: taint "gpu:NoSchedule" not found\n');
    expect(api.fake.stored('node', '', 'n1')?.spec?.taints?.map((t) => t.key)).toEqual(['gpu']);
  });

  it('rejects bad specs and non-node resources', async () => {
    await createNode('n1');
    expect((await run('taint', 'nodes', 'n1')).stderr).toBe('error: at least one taint update is required\n');
    expect((await run('taint', 'nodes', 'n1', 'a=b:Sometimes')).stderr).toBe('error: invalid taint effect: Sometimes, unsupported taint effect\n');
    expect((await run('taint', 'nodes', 'n1', 'a=b')).stderr).toMatch(/^error: invalid taint spec: a=b, the effect is required/);
    expect((await run('taint', 'nodes', 'n1', 'a:NoSchedule', 'n2')).stderr).toBe('error: all resources must be specified before taint changes: n2\n');
    expect((await run('taint', 'nodes', 'n1', 'a:NoSchedule', 'a:NoSchedule-')).stderr).toBe(
      'error: can not both modify and remove the following taint(s) in the same command: a:NoSchedule\n',
    );
    expect((await run('taint', 'pods', 'x', 'a:NoSchedule')).stderr).toBe('error: invalid resource type pods, only node types are supported\n');
    expect(api.fake.stored('node', '', 'n1')?.spec?.taints ?? []).toEqual([]);
  });
});

describe('patch', () => {
  it('sends strategic, merge and JSON patches and says when nothing changed', async () => {
    await api.client.resource('pod').create(pod('web'));
    expect((await run('patch', 'pod', 'web', '-p', '{"metadata":{"labels":{"tier":"web"}}}')).stdout).toBe('pod/web patched\n');
    expect((await run('patch', 'pod', 'web', '-p', 'metadata: {labels: {tier: web}}')).stdout).toBe('pod/web patched (no change)\n');
    expect((await run('patch', 'pod/web', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/x","value":"y"}]')).stdout).toBe('pod/web patched\n');
    expect((await run('patch', 'pod', 'web', '--type', 'merge', '-p', '{"metadata":{"labels":{"x":null}}}')).stdout).toBe('pod/web patched\n');
    expect(api.fake.stored('pod', 'default', 'web')?.metadata?.labels).toEqual({ tier: 'web' });
    expect((await run('patch', 'pod', 'web', '--dry-run=server', '-p', '{"metadata":{"labels":{"z":"1"}}}')).stdout).toBe('pod/web patched (server dry run)\n');
    expect(api.fake.stored('pod', 'default', 'web')?.metadata?.labels).toEqual({ tier: 'web' });
    // A patch that opens with a brace goes to the server unread, as kubectl sends it: the server names the mistake.
    expect(await run('patch', 'pod', 'web', '-p', '{bad')).toEqual({ code: 1, stdout: '', stderr: "Error from server (BadRequest): invalid character 'b' looking for beginning of object key string\n" });
  });

  it('rejects a missing or unreadable patch and unknown types', async () => {
    expect((await run('patch', 'pod', 'web')).stderr).toBe('error: must specify --patch or --patch-file containing the contents of the patch\n');
    expect((await run('patch', 'pod', 'web', '-p', '{}', '--type=xml')).stderr).toBe('error: --type must be one of [json merge strategic], not "xml"\n');
    expect((await run('patch', 'pod', 'web', '-p', '42')).stderr).toBe('error: unable to parse "42": the patch must be a JSON or YAML object or list\n');
    expect((await run('patch', 'pod', 'nope', '-p', '{"metadata":{}}')).stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
  });
});
