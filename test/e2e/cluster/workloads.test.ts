// Workload controllers on the real nodes of `kubets up --nodes 3` (this machine plus two network
// namespaces, each with its own Docker engine and kubelet): DaemonSets, a StatefulSet with its
// headless Service, DNS names and per-ordinal claims, Jobs (plain, Indexed and failing) and CronJobs. Objects
// go in through the API as a user's client sends them; exec goes through the CLI. Traffic goes only
// to loopback and to the namespaces and pods this test makes.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import Docker from 'dockerode';
import type { DaemonSet, Job, Node, Pod, PodTemplateSpec } from '../../../lib/api/generated/index.js';
import { ApiClient } from '../../../lib/client/client.js';
import { loadClientConfig } from '../../../lib/client-config.js';
import { parseTime } from '../../../lib/client/api-time.js';
import { loadPlan } from '../../../cli/up/local-nodes.js';
import { LABEL_POD_UID } from '../../../lib/container-labels.js';
import { pollUntil, sleep } from '../../harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort } from '../../harness/ports.js';
import { clusterCli } from '../cluster-cli.js';

const SUFFIX = Math.random().toString(36).slice(2, 7);
const NODE = `wl-${SUFFIX}`;
const NODES = [NODE, `${NODE}-node2`, `${NODE}-node3`];
const NS = 'wl';
const IMAGE = 'kubets/busybox:1.36';
const SLEEP = ['sleep', '3600'];
/** The Job controller's first delay before replacing a failed pod, short here so the doubling shows in seconds. */
const JOB_BACKOFF_BASE_S = 2;

const { dataDir, ok, nodesReady, holdHostNetwork, defaultServiceAccount, tearDownAfterAll } = clusterCli('workloads');
let client: ApiClient;

const exec = (pod: string, script: string): Promise<string> => ok(['exec', '-n', NS, pod, '--', 'sh', '-c', script]);

/** Real containers on a loaded two-core machine: each step waits on several pod start-ups. */
const TEST_TIMEOUT_MS = 300_000;
const WAIT = { timeoutMs: 180_000, intervalMs: 500 };

const isReady = (p: Pod): boolean => !p.metadata?.deletionTimestamp && Boolean(p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
const podsOf = async (selector: string): Promise<Pod[]> => (await client.resource('pod').list(NS, { labelSelector: selector })).items;
const nodeOf = (p: Pod): string => p.spec?.nodeName ?? '';

function template(app: string, command: string[], extra: Partial<NonNullable<PodTemplateSpec['spec']>> = {}): PodTemplateSpec {
  return { metadata: { labels: { app } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: IMAGE, command }], ...extra } };
}

const agentDaemonSet = (): Promise<DaemonSet> => client.resource('daemonSet').get(NS, 'agent');
const agentOn = async (node: string): Promise<Pod | undefined> => (await podsOf('app=agent')).find((p) => nodeOf(p) === node && !p.metadata?.deletionTimestamp);
const readyAgentOn = (node: string, what: string): Promise<Pod> =>
  pollUntil(async () => {
    const pod = await agentOn(node);
    return pod && isReady(pod) ? pod : undefined;
  }, { ...WAIT, what });

/** The running containers of a pod on a namespaced node, asked of that node's own engine. */
async function runningContainersOf(node: string, podUid: string): Promise<number> {
  const engine = loadPlan(dataDir)?.nodes.find((n) => n.name === node);
  if (!engine) throw new Error(`${node} is not a namespaced node of this cluster`);
  return (await new Docker({ socketPath: engine.dockerSocket }).listContainers({ filters: { label: [`${LABEL_POD_UID}=${podUid}`] } })).length;
}

/** The pid of a node's kubelet, found by its command line (the cluster's own process, started by this test's `up`). */
function kubeletPid(nodeName: string): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const at = cmd.indexOf('kubelet');
      const name = cmd.indexOf('--node-name', at);
      if (at > 0 && name > at && cmd[name + 1] === nodeName) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no kubelet process of node ${nodeName}`);
}

beforeAll(async () => {
  await holdHostNetwork(1_800_000);
  const [port, etcdPort, kubeletPort] = [await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort()];
  await ok(
    ['up', '--detach', '--nodes', '3', '--node-name', NODE, '--node-subnet', '10.253.12.0/24', '--data-dir', dataDir,
      '--port', String(port), '--etcd-port', String(etcdPort), '--kubelet-port', String(kubeletPort),
      // A stopped kubelet is noticed in seconds rather than 40 s (it renews its lease every 10 s).
      '--controller-manager-arg', 'node-monitor-grace-period=15s', '--controller-manager-arg', 'node-monitor-period=1s',
      '--controller-manager-arg', `job-backoff-base=${JOB_BACKOFF_BASE_S}s`],
    240_000,
  );
  client = ApiClient.fromConfig(await loadClientConfig({ path: join(dataDir, 'admin.conf'), env: {} }));
  await nodesReady(3, 240_000);
  await client.resource('namespace').create({ metadata: { name: NS } });
  await defaultServiceAccount(NS);
}, 600_000);

tearDownAfterAll({ beforeDown: () => client?.close() });

describe('DaemonSets on three real nodes', () => {
  it('runs exactly one pod per node', async () => {
    await client.resource('daemonSet').create({
      metadata: { name: 'agent', namespace: NS },
      spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent', SLEEP), updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: { intVal: 1 } } } },
    });
    const pods = await pollUntil(async () => {
      const items = await podsOf('app=agent');
      return items.filter(isReady).length === 3 ? items : undefined;
    }, { ...WAIT, what: 'a Ready agent pod per node' });
    expect(pods.map(nodeOf).sort()).toEqual([...NODES].sort());
    const ds = await client.resource('daemonSet').get(NS, 'agent');
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3, numberMisscheduled: 0 });
  }, TEST_TIMEOUT_MS);

  it('replaces the pods node by node in a rolling update, never more than one node without a Ready pod', async () => {
    const before = new Map((await podsOf('app=agent')).map((p) => [nodeOf(p), p.metadata!.uid!]));
    const ds = await client.resource('daemonSet').get(NS, 'agent');
    const container = { ...ds.spec!.template!.spec!.containers![0]!, env: [{ name: 'VERSION', value: '2' }] };
    await client.resource('daemonSet').update({ ...ds, spec: { ...ds.spec!, template: { ...ds.spec!.template!, spec: { ...ds.spec!.template!.spec!, containers: [container] } } } });
    const replacedAt = new Map<string, number>();
    let worstUnavailable = 0;
    await pollUntil(async () => {
      const pods = await podsOf('app=agent');
      const readyNodes = new Set(pods.filter(isReady).map(nodeOf));
      worstUnavailable = Math.max(worstUnavailable, NODES.filter((n) => !readyNodes.has(n)).length);
      for (const p of pods.filter(isReady)) {
        const updated = p.metadata!.uid !== before.get(nodeOf(p)) && p.spec?.containers?.[0]?.env?.some((e) => e.value === '2');
        if (updated && !replacedAt.has(nodeOf(p))) replacedAt.set(nodeOf(p), Date.now());
      }
      return replacedAt.size === 3 && pods.length === 3;
    }, { ...WAIT, intervalMs: 200, what: 'every agent pod replaced' });
    expect(worstUnavailable).toBeLessThanOrEqual(1);
    // One node after another: no two nodes got their new pod in the same look.
    expect(new Set(replacedAt.values()).size).toBe(3);
  }, TEST_TIMEOUT_MS);

  it('honours a nodeSelector, following the node labels', async () => {
    await client.resource('node').patch('', NODES[1]!, { metadata: { labels: { 'wl-disk': 'ssd' } } });
    await client.resource('daemonSet').create({
      metadata: { name: 'ssd', namespace: NS },
      spec: { selector: { matchLabels: { app: 'ssd' } }, template: template('ssd', SLEEP, { nodeSelector: { 'wl-disk': 'ssd' } }) },
    });
    const one = await pollUntil(async () => {
      const items = (await podsOf('app=ssd')).filter(isReady);
      return items.length === 1 ? items : undefined;
    }, { ...WAIT, what: 'one ssd pod' });
    expect(one.map(nodeOf)).toEqual([NODES[1]]);
    await client.resource('node').patch('', NODES[2]!, { metadata: { labels: { 'wl-disk': 'ssd' } } });
    const two = await pollUntil(async () => {
      const items = (await podsOf('app=ssd')).filter(isReady);
      return items.length === 2 ? items : undefined;
    }, { ...WAIT, what: 'two ssd pods' });
    expect(two.map(nodeOf).sort()).toEqual([NODES[1], NODES[2]].sort());
    await client.resource('daemonSet').delete(NS, 'ssd');
  }, TEST_TIMEOUT_MS);

  // As Kubernetes: the unreachable node's NoSchedule taint, which daemon pods do not tolerate, takes
  // it out of the desired nodes (its pod counts as misscheduled), while the NoExecute one, which they
  // do tolerate, leaves the pod where it is rather than evicting it.
  it("keeps a stopped node's daemon pod as not ready, and adds no other; ready again once the kubelet is back", async () => {
    const node = NODES[2]!;
    const pod = (await podsOf('app=agent')).find((p) => nodeOf(p) === node)!;
    const pid = kubeletPid(node);
    process.kill(pid, 'SIGSTOP');
    try {
      await pollUntil(async () => {
        const n: Node = await client.resource('node').get('', node);
        return n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute');
      }, { ...WAIT, what: `${node} tainted unreachable` });
      const ds: DaemonSet = await pollUntil(async () => {
        const d = await client.resource('daemonSet').get(NS, 'agent');
        return d.status?.numberReady === 2 ? d : undefined;
      }, { ...WAIT, what: 'the agent DaemonSet counting 2 ready' });
      expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2, numberMisscheduled: 1 });
      // Past the NoExecute eviction a plain pod would get: the daemon pod stays, and no second one appears.
      await sleep(10_000);
      const onNode = (await podsOf('app=agent')).filter((p) => nodeOf(p) === node);
      expect(onNode.map((p) => p.metadata?.uid)).toEqual([pod.metadata!.uid]);
      expect(onNode[0]!.metadata?.deletionTimestamp).toBeFalsy();
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await pollUntil(async () => (await client.resource('daemonSet').get(NS, 'agent')).status?.numberReady === 3, { ...WAIT, what: 'all agent pods ready again' });
    expect((await podsOf('app=agent')).find((p) => nodeOf(p) === node)?.metadata?.uid).toBe(pod.metadata!.uid);
  }, TEST_TIMEOUT_MS);
  // Kubernetes' DaemonSet controller: an untolerated NoSchedule taint keeps new daemon pods off the
  // node but lets the running one continue (counted as misscheduled); an untolerated NoExecute one
  // removes it.
  it('keeps its pod on a node tainted NoSchedule, removes it under NoExecute, and puts one back once the taint is gone', async () => {
    const node = NODES[1]!;
    const pod = (await agentOn(node))!;
    await ok(['taint', 'nodes', node, 'wl-maintenance=on:NoSchedule']);
    await pollUntil(async () => (await agentDaemonSet()).status?.numberMisscheduled === 1, { ...WAIT, what: `${node} counted as misscheduled` });
    expect((await agentDaemonSet()).status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2 });
    expect((await agentOn(node))?.metadata?.uid).toBe(pod.metadata!.uid);

    await ok(['taint', 'nodes', node, 'wl-maintenance=on:NoExecute']);
    await pollUntil(async () => !(await podsOf('app=agent')).some((p) => nodeOf(p) === node), { ...WAIT, what: `the agent pod gone from ${node}` });
    const ds = await pollUntil(async () => {
      const d = await agentDaemonSet();
      return d.status?.numberMisscheduled === 0 && d.status?.numberReady === 2 ? d : undefined;
    }, { ...WAIT, what: 'the agent DaemonSet over the two untainted nodes' });
    expect(ds.status).toMatchObject({ desiredNumberScheduled: 2, currentNumberScheduled: 2 });

    await ok(['taint', 'nodes', node, 'wl-maintenance-']);
    const back = await readyAgentOn(node, `a new agent pod Ready on ${node}`);
    expect(back.metadata?.uid).not.toBe(pod.metadata!.uid);
    await pollUntil(async () => (await agentDaemonSet()).status?.numberReady === 3, { ...WAIT, what: 'all agent pods ready again' });
  }, TEST_TIMEOUT_MS);

  // A node leaves (its Node is deleted: pod GC removes its pods once the node has been gone for its
  // quarantine) and joins again (its restarted kubelet registers it anew, as a new machine would).
  it('follows a node leaving and joining: its pod goes with the Node and a new one comes with the new Node', async () => {
    const node = NODES[2]!;
    const oldNode: Node = await client.resource('node').get('', node);
    const pod = (await agentOn(node))!;
    await client.resource('node').delete('', node);
    await pollUntil(async () => !(await podsOf('app=agent')).some((p) => p.metadata?.uid === pod.metadata!.uid), { ...WAIT, what: `the agent pod of the deleted ${node} gone` });
    expect((await agentDaemonSet()).status).toMatchObject({ desiredNumberScheduled: 2, numberMisscheduled: 0 });
    // Its kubelet, still running, stops the deleted pod's containers: the returning node gets a new
    // pod subnet, and its kubelet replaces the pod network only once no container uses it.
    await pollUntil(async () => (await runningContainersOf(node, pod.metadata!.uid!)) === 0, { ...WAIT, what: `the deleted pod's containers stopped on ${node}` });

    // `kubets up` supervises its kubelets: the one stopped here starts again and registers its node.
    process.kill(kubeletPid(node), 'SIGTERM');
    await pollUntil(async () => {
      const n = await client.resource('node').get('', node).catch(() => undefined);
      return n && n.metadata?.uid !== oldNode.metadata?.uid && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    }, { ...WAIT, what: `${node} registered again and Ready` });
    const back = await readyAgentOn(node, `an agent pod Ready on the new ${node}`);
    expect(back.metadata?.uid).not.toBe(pod.metadata!.uid);
    expect((await agentDaemonSet()).status).toMatchObject({ desiredNumberScheduled: 3, currentNumberScheduled: 3 });
  }, TEST_TIMEOUT_MS);
});

describe('a StatefulSet on three real nodes', () => {
  const fqdn = (ordinal: number): string => `web-${ordinal}.web.${NS}.svc.cluster.local`;

  it('starts web-0..2 in order with a claim each', async () => {
    await client.resource('service').create({ metadata: { name: 'web', namespace: NS }, spec: { clusterIP: 'None', selector: { app: 'web' }, ports: [{ port: 80 }] } });
    await client.resource('statefulSet').create({
      metadata: { name: 'web', namespace: NS },
      spec: {
        serviceName: 'web',
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: { ...template('web', SLEEP), spec: { ...template('web', SLEEP).spec!, containers: [{ name: 'app', image: IMAGE, command: SLEEP, volumeMounts: [{ name: 'data', mountPath: '/data' }] }] } },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Mi' } } } }],
      },
    });
    const pods = await pollUntil(async () => {
      const items = (await podsOf('app=web')).filter(isReady);
      return items.length === 3 ? items : undefined;
    }, { ...WAIT, timeoutMs: 240_000, what: 'web-0..2 Ready' });
    expect(pods.map((p) => p.metadata?.name).sort()).toEqual(['web-0', 'web-1', 'web-2']);
    const claims = (await client.resource('persistentVolumeClaim').list(NS)).items;
    expect(claims.map((c) => [c.metadata?.name, c.status?.phase]).sort()).toEqual([['data-web-0', 'Bound'], ['data-web-1', 'Bound'], ['data-web-2', 'Bound']]);
    for (const pod of pods) expect((await exec(pod.metadata!.name!, 'hostname')).trim()).toBe(pod.metadata!.name);
  }, TEST_TIMEOUT_MS);

  it("answers each pod's own DNS name from a pod on another node", async () => {
    const pods = await podsOf('app=web');
    for (const target of pods) {
      const asker = pods.find((p) => nodeOf(p) !== nodeOf(target)) ?? (await podsOf('app=agent')).find((p) => nodeOf(p) !== nodeOf(target))!;
      const ordinal = Number(target.metadata!.name!.split('-')[1]);
      const out = await exec(asker.metadata!.name!, `nslookup ${fqdn(ordinal)}`);
      expect(out, `${asker.metadata?.name} on ${nodeOf(asker)} asking for ${fqdn(ordinal)}`).toContain(target.status!.podIP!);
    }
  }, TEST_TIMEOUT_MS);

  it('keeps the claims of a scale-down and gives them back, with their data, on scale-up', async () => {
    await exec('web-2', 'echo kept-by-web-2 > /data/marker');
    const nodeOfWeb2 = nodeOf((await podsOf('app=web')).find((p) => p.metadata?.name === 'web-2')!);
    await client.resource('statefulSet').patch(NS, 'web', { spec: { replicas: 1 } });
    await pollUntil(async () => (await podsOf('app=web')).length === 1, { ...WAIT, what: 'web scaled down to 1' });
    const claims = (await client.resource('persistentVolumeClaim').list(NS)).items.map((c) => c.metadata?.name).sort();
    expect(claims).toEqual(['data-web-0', 'data-web-1', 'data-web-2']);
    await client.resource('statefulSet').patch(NS, 'web', { spec: { replicas: 3 } });
    const web2 = await pollUntil(async () => (await podsOf('app=web')).find((p) => p.metadata?.name === 'web-2' && isReady(p)), { ...WAIT, timeoutMs: 240_000, what: 'web-2 back' });
    // The claim's local volume lives on one node; the pod follows it there.
    expect(nodeOf(web2)).toBe(nodeOfWeb2);
    expect((await exec('web-2', 'cat /data/marker')).trim()).toBe('kept-by-web-2');
  }, TEST_TIMEOUT_MS);
});

describe('Jobs on three real nodes', () => {
  const hasFinished = (job: Job, type: 'Complete' | 'Failed'): boolean => Boolean(job.status?.conditions?.some((c) => c.type === type && c.status === 'True'));
  const finished = (name: string, type: 'Complete' | 'Failed') =>
    pollUntil(async () => {
      const job: Job = await client.resource('job').get(NS, name);
      return hasFinished(job, type) ? job : undefined;
    }, { ...WAIT, timeoutMs: 240_000, what: `Job ${name} ${type}` });
  const podFinishedAt = (p: Pod): number => parseTime(p.status?.containerStatuses?.[0]?.state?.terminated?.finishedAt);
  const byCreation = (a: Pod, b: Pod): number => parseTime(a.metadata?.creationTimestamp) - parseTime(b.metadata?.creationTimestamp);

  it('runs 6 completions 3 at a time across the nodes to Complete', async () => {
    await client.resource('job').create({
      metadata: { name: 'six', namespace: NS },
      spec: { completions: 6, parallelism: 3, template: template('six', ['sh', '-c', 'sleep 2'], { restartPolicy: 'Never' }) },
    });
    let mostActive = 0;
    const job = await pollUntil(async () => {
      const j: Job = await client.resource('job').get(NS, 'six');
      mostActive = Math.max(mostActive, j.status?.active ?? 0);
      return j.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True') ? j : undefined;
    }, { ...WAIT, timeoutMs: 240_000, intervalMs: 300, what: 'Job six Complete' });
    expect(job.status?.succeeded).toBe(6);
    expect(mostActive).toBeLessThanOrEqual(3);
    const pods = await podsOf('app=six');
    expect(pods.filter((p) => p.status?.phase === 'Succeeded').length).toBe(6);
    expect(new Set(pods.map(nodeOf)).size).toBeGreaterThan(1);
  }, TEST_TIMEOUT_MS);

  it('gives an Indexed Job one pod per index, each seeing its index', async () => {
    await client.resource('job').create({
      metadata: { name: 'indexed', namespace: NS },
      spec: { completions: 3, parallelism: 3, completionMode: 'Indexed', template: template('indexed', ['sh', '-c', 'echo "index=$JOB_COMPLETION_INDEX"'], { restartPolicy: 'Never' }) },
    });
    const job = await finished('indexed', 'Complete');
    expect(job.status?.completedIndexes).toBe('0-2');
    const pods = await podsOf('app=indexed');
    const logs = await Promise.all(pods.map((p) => ok(['logs', '-n', NS, p.metadata!.name!])));
    expect(logs.map((l) => l.trim()).sort()).toEqual(['index=0', 'index=1', 'index=2']);
  }, TEST_TIMEOUT_MS);

  it('fails a Job past its backoffLimit with BackoffLimitExceeded, doubling the wait before each new pod', async () => {
    const backoffLimit = 3;
    await client.resource('job').create({
      metadata: { name: 'fails', namespace: NS },
      spec: { backoffLimit, template: template('fails', ['sh', '-c', 'exit 1'], { restartPolicy: 'Never' }) },
    });
    const job = await finished('fails', 'Failed');
    expect(job.status?.conditions?.find((c) => c.type === 'Failed')).toMatchObject({ status: 'True', reason: 'BackoffLimitExceeded' });
    expect(job.status?.failed).toBe(backoffLimit + 1);
    expect(job.status?.active ?? 0).toBe(0);
    const pods = (await podsOf('app=fails')).sort(byCreation);
    expect(pods.map((p) => p.status?.phase)).toEqual(Array(backoffLimit + 1).fill('Failed'));
    // The n-th failure holds the next pod back base × 2^(n-1) from that failure (times in whole seconds).
    for (let n = 1; n < pods.length; n++) {
      const waited = parseTime(pods[n]!.metadata?.creationTimestamp) - podFinishedAt(pods[n - 1]!);
      expect(waited, `pod ${n + 1} created after failure ${n}`).toBeGreaterThanOrEqual((JOB_BACKOFF_BASE_S * 2 ** (n - 1) - 1) * 1000);
    }
  }, TEST_TIMEOUT_MS);

  it('runs a CronJob at its next minute, keeping only as many finished Jobs as their history limits say', async () => {
    // Each CronJob is first run by hand while suspended (`kubets create job --from`, a Job it owns as
    // kubectl makes it); once resumed, its schedule starts the next run, and with history limits of
    // 1 the finished hand-made run goes. One minute boundary proves it on real nodes; the minute
    // arithmetic of later runs, missed runs and deadlines is cronjob-controller.test.ts's, on a moved clock.
    const outcomes = { tick: 'Complete', tock: 'Failed' } as const;
    const crons = Object.keys(outcomes) as Array<keyof typeof outcomes>;
    const scripts = { tick: 'echo tick', tock: 'exit 1' };
    for (const name of crons) {
      await client.resource('cronJob').create({
        metadata: { name, namespace: NS },
        spec: {
          schedule: '*/1 * * * *',
          suspend: true,
          successfulJobsHistoryLimit: 1,
          failedJobsHistoryLimit: 1,
          jobTemplate: { spec: { backoffLimit: 0, template: template(name, ['sh', '-c', scripts[name]], { restartPolicy: 'Never' }) } },
        },
      });
      await ok(['create', 'job', `${name}-by-hand`, `--from=cronjob/${name}`, '-n', NS]);
    }
    for (const name of crons) await finished(`${name}-by-hand`, outcomes[name]);
    for (const name of crons) await client.resource('cronJob').patch(NS, name, { spec: { suspend: false } });
    // Jobs the schedule starts are named <cronjob>-<scheduled minute>.
    await pollUntil(async () => {
      const jobs = (await client.resource('job').list(NS)).items;
      return crons.every((cron) => {
        const own = jobs.filter((j) => j.metadata?.ownerReferences?.some((o) => o.kind === 'CronJob' && o.name === cron));
        return own.length === 1 && new RegExp(`^${cron}-\\d+$`).test(own[0]!.metadata!.name!) && hasFinished(own[0]!, outcomes[cron]);
      });
    }, { ...WAIT, intervalMs: 1_000, what: 'a scheduled run of each CronJob finished, the run by hand deleted' });
    expect((await client.resource('cronJob').get(NS, 'tick')).status?.lastSuccessfulTime).toBeTruthy();
    await client.resource('cronJob').delete(NS, 'tick');
    await client.resource('cronJob').delete(NS, 'tock');
  }, TEST_TIMEOUT_MS);
});
