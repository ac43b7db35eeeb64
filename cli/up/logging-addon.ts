import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Supervisor } from './supervisor.js';

// The logging add-on: every pod's log lines, with pod, namespace, container and node fields, in
// a searchable store. The store is systemd's journal: systemd-journal-remote (Debian's
// systemd-journal-remote package) takes entries over HTTP and writes journal files, which
// journalctl searches by field, time and text (`journalctl --directory=DIR KUBERNETES_POD_NAME=web-1`).
// Debian has no Elasticsearch or Loki; the journal is indexed by field, rotated by size, and read
// with a tool every Linux operator has. One `kubets log-shipper` per node follows that node's
// containers through its engine and sends their lines there.

export const JOURNAL_REMOTE_BINARY = '/lib/systemd/systemd-journal-remote';
/** systemd-journal-remote's own default port. */
export const DEFAULT_LOGGING_PORT = 19532;

export interface LoggingAddonOptions {
  dataDir: string;
  logs: string;
  port: number;
  /** The cluster's ID, which the kubelets label their containers with: only those are shipped. */
  clusterId: string;
  /** Every node of the cluster: its name and its engine's socket (undefined: Docker's default). */
  nodes: { name: string; dockerSocket?: string }[];
  self(args: string[]): { command: string; args: string[] };
  log: Logger;
}

/** Where the journal files are: what `journalctl --directory` is given. */
export const journalDirOf = (dataDir: string): string => join(dataDir, 'logging', 'journal');

export async function startLoggingAddon(supervisor: Supervisor, o: LoggingAddonOptions): Promise<string> {
  const journal = journalDirOf(o.dataDir);
  const state = join(o.dataDir, 'logging', 'shippers');
  await mkdir(journal, { recursive: true, mode: 0o700 });
  await mkdir(state, { recursive: true, mode: 0o700 });
  // A trailing slash makes --output a directory: one journal file per sending host, rotated by the journal's size limits.
  supervisor.start({
    name: 'journal-remote',
    command: JOURNAL_REMOTE_BINARY,
    args: [`--listen-http=127.0.0.1:${o.port}`, `--output=${journal}/`],
    logFile: join(o.logs, 'journal-remote.log'),
  });
  const url = `http://127.0.0.1:${o.port}/upload`;
  for (const node of o.nodes) {
    const shipper = o.self([
      'log-shipper', '--node-name', node.name, '--cluster-id', o.clusterId, '--url', url, '--state-file', join(state, `${node.name}.json`),
      ...(node.dockerSocket ? ['--docker-socket', node.dockerSocket] : []),
    ]);
    supervisor.start({ name: `log-shipper-${node.name}`, ...shipper, logFile: join(o.logs, `log-shipper-${node.name}.log`) });
  }
  o.log.info({ journal, url }, 'logging add-on started');
  return journal;
}
