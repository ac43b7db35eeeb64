import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { ApiError } from '../../lib/api/errors.js';
import { createAcknowledged } from '../../test/harness/acknowledged-create.js';
import { startHaCluster, waitForLeader } from '../../test/harness/ha-cluster.js';
import { printResult } from '../harness/report.js';

// How long writes stop when the etcd leader dies. Three etcd members, three apiservers and HAProxy
// on loopback (test/harness/ha-cluster.ts); WORKERS clients create ConfigMaps one after another
// through HAProxy, retrying as kubectl would; then the leader (found with etcd's maintenance
// Status) is killed with SIGKILL. From the moment a new leader is seen (polling every member's
// Status, so up to one poll late) the benchmark measures the time to the first acknowledged
// create and the longest gap between acknowledged creates from then on. Each run gets a new cluster.

const RUNS = Number(process.env.BENCH_FAILOVER_RUNS ?? 3);
const WORKERS = 8;
const STEADY_MS = 4_000;
/** Longer than etcd's own request timeout (7 s with the default election timeout), so a stall that long shows. */
const AFTER_ELECTION_MS = 10_000;
const CREATE_DEADLINE_MS = 30_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface FailoverRun {
  loadAverage: number;
  electionMs: number;
  firstAckAfterElectionMs: number;
  longestGapAfterElectionMs: number;
  longestGapMs: number;
  acknowledged: number;
  misreportedAlreadyExists: number;
}

async function oneRun(): Promise<FailoverRun> {
  const cluster = await startHaCluster();
  try {
    const configMaps = (await cluster.client({ deadlineMs: CREATE_DEADLINE_MS })).resource('configMap');
    const acks: number[] = [];
    let stopping = false;
    let misreported = 0;
    // Awaited only at the end, so a failure meanwhile is held (not an unhandled rejection that
    // would end the process and leave the cluster running) and thrown there.
    const workers = Promise.all(Array.from({ length: WORKERS }, async (_, w) => {
      for (let i = 0; !stopping; i++) {
        const name = `w${w}-${i}`;
        try {
          await createAcknowledged(() => configMaps.create({ metadata: { name, namespace: 'default' }, data: { worker: String(w) } }), CREATE_DEADLINE_MS);
        } catch (err) {
          // Names are unique: AlreadyExists to a first attempt means the apiserver retried the
          // create itself and reported its own earlier success as a failure. Stored all the same.
          if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
          misreported++;
        }
        acks.push(performance.now());
      }
    }));
    workers.catch(() => undefined);
    await sleep(STEADY_MS);
    const leader = await waitForLeader(cluster, 10_000);
    const loadAverage = loadavg()[0]!;
    const killedAt = performance.now();
    await leader.kill();
    await waitForLeader(cluster, 30_000, leader);
    const electedAt = performance.now();
    await sleep(AFTER_ELECTION_MS);
    stopping = true;
    await workers;
    const sorted = [...acks].sort((a, b) => a - b);
    const lastBeforeKill = sorted.filter((t) => t < killedAt).at(-1) ?? killedAt;
    const gaps = (from: number, times: number[]): number => {
      let longest = 0;
      let previous = from;
      for (const t of times) {
        longest = Math.max(longest, t - previous);
        previous = t;
      }
      return longest;
    };
    const afterElection = sorted.filter((t) => t >= electedAt);
    return {
      loadAverage: Number(loadAverage.toFixed(1)),
      electionMs: Math.round(electedAt - killedAt),
      firstAckAfterElectionMs: Math.round((afterElection[0] ?? Infinity) - electedAt),
      longestGapAfterElectionMs: Math.round(gaps(electedAt, afterElection)),
      longestGapMs: Math.round(gaps(lastBeforeKill, sorted.filter((t) => t >= lastBeforeKill))),
      acknowledged: acks.length,
      misreportedAlreadyExists: misreported,
    };
  } finally {
    await cluster.stop();
  }
}

function medianAndRange(values: number[]): { median: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
}

export async function benchEtcdFailover(): Promise<void> {
  const runs: FailoverRun[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await oneRun();
    runs.push(run);
    printResult('cluster-etcd-failover', { run: i + 1, workers: WORKERS, ...run });
  }
  const summary = (key: keyof FailoverRun): ReturnType<typeof medianAndRange> => medianAndRange(runs.map((r) => r[key]));
  printResult('cluster-etcd-failover', {
    runs: RUNS,
    workers: WORKERS,
    loadAverage: summary('loadAverage'),
    electionMs: summary('electionMs'),
    firstAckAfterElectionMs: summary('firstAckAfterElectionMs'),
    longestGapAfterElectionMs: summary('longestGapAfterElectionMs'),
    longestGapMs: summary('longestGapMs'),
    goalMs: 2_000,
  });
}
