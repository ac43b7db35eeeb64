import type { Logger } from 'pino';
import { CompactedError, type Store } from '../storage/store.js';

export interface CompactorOptions {
  store: Store;
  intervalMs?: number;
  /** Never compact closer than this many revisions to the current one. */
  keepRevisions: number;
  log: Logger;
}

export interface Compactor {
  /** One compaction round now (the timer calls this too). */
  runOnce(): Promise<void>;
  stop(): void;
}

/**
 * Compacts etcd history like kube-apiserver: each tick compacts to the revision seen at the
 * previous tick, so at least one interval of history stays for watches that resume and lists
 * that continue (and at least keepRevisions revisions). etcd 3.4 keeps everything otherwise and
 * stops accepting writes at its quota. Several apiservers may run this: compacting a revision
 * that another already compacted fails harmlessly and is ignored.
 */
export function startCompactor(opts: CompactorOptions): Compactor {
  const { store, keepRevisions } = opts;
  const intervalMs = opts.intervalMs ?? 5 * 60_000;
  const log = opts.log.child({ component: 'compactor' });
  let seenAtLastTick: number | undefined;
  let compacted = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> | undefined;

  async function compactOnce(): Promise<void> {
    const current = await store.currentRevision();
    const target = seenAtLastTick === undefined ? 0 : Math.min(seenAtLastTick, current - keepRevisions);
    seenAtLastTick = current;
    if (target <= compacted) return;
    try {
      await store.compact(target);
      log.info({ revision: target, current }, 'compacted etcd');
    } catch (err) {
      if (!(err instanceof CompactedError)) throw err;
      log.debug({ revision: target }, 'etcd already compacted past this revision');
    }
    compacted = target;
  }

  function runOnce(): Promise<void> {
    running ??= compactOnce().finally(() => (running = undefined));
    return running;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      runOnce()
        .catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'compaction failed; trying again next interval'))
        .finally(schedule);
    }, intervalMs);
    timer.unref();
  }

  schedule();
  return {
    runOnce,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
