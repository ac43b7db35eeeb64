import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { pino, type Logger } from 'pino';
import { parse } from 'yaml';
import { DecodeError, decodeManifest } from '../../../lib/api/json.js';
import type { Pod } from '../../../lib/api/generated/index.js';
import { CoalescedPass } from '../coalesced-pass.js';

const CONFIG_SOURCE_ANNOTATION = 'kubernetes.io/config.source';
export const CONFIG_HASH_ANNOTATION = 'kubernetes.io/config.hash';
export const CONFIG_MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';
const FILE_SOURCE = 'file';

const MANIFEST_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);
/** kubelet's --file-check-frequency; file system notifications make changes show up sooner. */
const DEFAULT_CHECK_INTERVAL_MS = 20_000;
const NOTIFY_DEBOUNCE_MS = 100;

class StaticPodError extends Error {
  override readonly name = 'StaticPodError';
}

export function isStaticPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_SOURCE_ANNOTATION] === FILE_SOURCE;
}

export function isMirrorPod(pod: Pod): boolean {
  return pod.metadata?.annotations?.[CONFIG_MIRROR_ANNOTATION] !== undefined;
}

/**
 * One manifest file as the pod this node runs, defaulted as kubelet's file source does: named
 * `<name>-<node>`, bound to the node, and with a uid hashed from node, file and content, so the
 * same file always means the same pod and an edited file means a new one.
 */
export function staticPodFromManifest(text: string, file: string, nodeName: string): Pod {
  let json: unknown;
  try {
    json = parse(text);
  } catch (err) {
    throw new StaticPodError(`${file}: invalid YAML or JSON: ${(err as Error).message}`);
  }
  let decoded;
  try {
    decoded = decodeManifest(json);
  } catch (err) {
    if (err instanceof DecodeError) throw new StaticPodError(`${file}: ${err.message}`);
    throw err;
  }
  if (decoded.info.field !== 'pod') throw new StaticPodError(`${file}: a static pod manifest must hold a Pod, not a ${decoded.info.kind}`);
  const pod = decoded.object as Pod;
  const name = pod.metadata?.name;
  if (!name) throw new StaticPodError(`${file}: metadata.name is required`);
  const uid = createHash('md5').update(nodeName).update('\0').update(file).update('\0').update(JSON.stringify(pod)).digest('hex');
  return {
    ...pod,
    metadata: {
      ...pod.metadata,
      name: `${name}-${nodeName}`,
      namespace: pod.metadata?.namespace || 'default',
      uid,
      annotations: { ...pod.metadata?.annotations, [CONFIG_SOURCE_ANNOTATION]: FILE_SOURCE, [CONFIG_HASH_ANNOTATION]: uid },
    },
    spec: { ...pod.spec, nodeName },
  };
}

interface ManifestDirectory {
  pods: Pod[];
  /** Files that could not be turned into pods, with the reason. */
  errors: StaticPodError[];
}

/** Every manifest in the directory (hidden files skipped); a missing directory holds no pods. */
export async function readManifestDirectory(dir: string, nodeName: string): Promise<ManifestDirectory> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && !e.name.startsWith('.') && MANIFEST_EXTENSIONS.has(extname(e.name))).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { pods: [], errors: [] };
    throw err;
  }
  const pods: Pod[] = [];
  const errors: StaticPodError[] = [];
  const seen = new Map<string, string>();
  for (const name of names.sort()) {
    const file = join(dir, name);
    try {
      const pod = staticPodFromManifest(await readFile(file, 'utf8'), file, nodeName);
      const key = `${pod.metadata?.namespace}/${pod.metadata?.name}`;
      const other = seen.get(key);
      if (other) throw new StaticPodError(`${file}: pod ${key} is already defined in ${other}`);
      seen.set(key, file);
      pods.push(pod);
    } catch (err) {
      if (err instanceof StaticPodError) errors.push(err);
      else if ((err as NodeJS.ErrnoException).code !== 'ENOENT') errors.push(new StaticPodError(`${file}: ${(err as Error).message}`));
    }
  }
  return { pods, errors };
}

interface StaticPodSourceOptions {
  dir: string;
  nodeName: string;
  /** Called with every pod the directory defines whenever that set changes. */
  onChange: (pods: Pod[]) => void;
  checkIntervalMs?: number;
  log?: Logger;
}

/** Watches a manifest directory (`--pod-manifest-path`): rescans on file notifications and periodically. */
export class StaticPodSource {
  readonly #options: StaticPodSourceOptions;
  readonly #log: Logger;
  #signature: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #debounce: NodeJS.Timeout | undefined;
  #watcher: FSWatcher | undefined;
  #stopped = false;
  readonly #scans = new CoalescedPass(
    () => this.#scanOnce(),
    () => !this.#stopped,
  );
  /** Problems already logged, so a broken file is reported once, not on every scan. */
  #reported = new Set<string>();

  constructor(options: StaticPodSourceOptions) {
    this.#options = options;
    this.#log = (options.log ?? pino({ level: 'silent' })).child({ part: 'static-pods', dir: options.dir });
  }

  /** Reads the directory once (delivering its pods) and keeps watching it. */
  async start(): Promise<void> {
    await this.scan();
    this.#watch();
    const interval = this.#options.checkIntervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
    this.#timer = setInterval(() => {
      // A directory created after start gets its watcher here.
      if (!this.#watcher) this.#watch();
      void this.scan();
    }, interval);
    this.#timer.unref();
  }

  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    clearTimeout(this.#debounce);
    this.#watcher?.close();
  }

  /** Rescans now; concurrent requests fold into one more scan. */
  scan(): Promise<void> {
    return this.#scans.run();
  }

  async #scanOnce(): Promise<void> {
    let result: ManifestDirectory;
    try {
      result = await readManifestDirectory(this.#options.dir, this.#options.nodeName);
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'cannot read the pod manifest directory');
      return;
    }
    const problems = new Set(result.errors.map((e) => e.message));
    for (const message of problems) if (!this.#reported.has(message)) this.#log.warn({ err: message }, 'skipping a static pod manifest');
    this.#reported = problems;
    const signature = result.pods.map((p) => p.metadata?.uid).join(',');
    if (signature === this.#signature || this.#stopped) return;
    this.#signature = signature;
    this.#options.onChange(result.pods);
  }

  #watch(): void {
    try {
      this.#watcher = watch(this.#options.dir, { persistent: false }, () => {
        clearTimeout(this.#debounce);
        this.#debounce = setTimeout(() => void this.scan(), NOTIFY_DEBOUNCE_MS);
      });
      this.#watcher.on('error', () => {
        this.#watcher?.close();
        this.#watcher = undefined;
      });
    } catch {
      // No directory (yet): the periodic scan covers it.
      this.#watcher = undefined;
    }
  }
}
