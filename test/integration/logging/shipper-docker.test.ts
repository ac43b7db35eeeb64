// The log shipper against the real engine and the real store, without a cluster: containers
// labelled as a kubelet labels them (one of this cluster, one of another cluster's node of the
// same name), systemd-journal-remote on a free loopback port, the shipper in process. Its lines
// arrive with their stream, the other cluster's never. Only the containers made here are touched.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerEngine, LogShipper, defaultDockerSocket } from '../../../services/log-shipper/index.js';
import { pollUntil } from '../../harness/poll.js';
import { freePort } from '../../harness/ports.js';

const SUFFIX = Math.random().toString(36).slice(2, 7);
const NODE = `ship-${SUFFIX}`;
const dir = mkdtempSync(join(tmpdir(), 'kubets-shipper-docker-'));
const journal = join(dir, 'journal');
const containers: string[] = [];
let store: ChildProcess | undefined;
let shipper: LogShipper | undefined;

function runContainer(name: string, cluster: string, pod: string, script: string): void {
  execFileSync('docker', ['run', '-d', '--name', name, '--label', `io.kubets.node=${NODE}`, '--label', `io.kubets.cluster=${cluster}`,
    '--label', `io.kubets.pod.name=${pod}`, '--label', 'io.kubets.pod.namespace=default', '--label', 'io.kubets.container.name=c',
    'kubets/busybox:1.36', 'sh', '-c', script]);
  containers.push(name);
}

function search(...matches: string[]): Record<string, string>[] {
  const out = execFileSync('journalctl', [`--directory=${journal}`, '-o', 'json', '--no-pager', ...matches], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
}

beforeAll(async () => {
  const port = await freePort();
  mkdirSync(journal);
  store = spawn('/lib/systemd/systemd-journal-remote', [`--listen-http=127.0.0.1:${port}`, `--output=${journal}/`], { stdio: 'ignore' });
  runContainer(`kubets-shipper-own-${SUFFIX}`, 'cluster-one', 'own', `echo first-${SUFFIX}; echo oops >&2; sleep 3600`);
  runContainer(`kubets-shipper-other-${SUFFIX}`, 'cluster-two', 'intruder', `echo intruder-${SUFFIX}; sleep 3600`);
  shipper = new LogShipper({
    engine: new DockerEngine(defaultDockerSocket(process.env)), nodeName: NODE, clusterId: 'cluster-one', url: `http://127.0.0.1:${port}/upload`,
    stateFile: join(dir, 'state.json'), log: pino({ level: 'silent' }),
  });
  await shipper.start();
}, 120_000);

afterAll(async () => {
  await shipper?.stop();
  store?.kill();
  for (const name of containers) execFileSync('docker', ['rm', '-f', name]);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('the log shipper on the real engine', () => {
  it("ships its cluster's lines by stream into the journal, and not another cluster's", async () => {
    const own = await pollUntil(() => {
      const found = search('KUBERNETES_POD_NAME=own');
      return found.length >= 2 && found;
    }, { timeoutMs: 60_000, intervalMs: 250, what: "the own container's lines in the journal" });
    expect(own.map((e) => [e.STREAM, e.MESSAGE]).sort()).toEqual([['stderr', 'oops'], ['stdout', `first-${SUFFIX}`]]);
    expect(own[0]).toMatchObject({ KUBERNETES_NAMESPACE: 'default', KUBERNETES_CONTAINER_NAME: 'c', KUBERNETES_NODE_NAME: NODE });
    expect(search('KUBERNETES_POD_NAME=intruder')).toEqual([]);
  }, 90_000);
});
