import type { JournalFields } from './journal-export.js';

/** Who wrote a line: the pod container's identity from the kubelet's container labels. */
export interface ContainerSource {
  id: string;
  pod: string;
  namespace: string;
  podUid: string;
  container: string;
  node: string;
}

export type Stream = 'stdout' | 'stderr';

/** A line of the engine's log with its timestamp (`timestamps: true`), as nanoseconds since the epoch. */
export interface TimedLine {
  ns: bigint;
  text: string;
}

/**
 * Splits `2026-12-06T06:33:08.123456789Z text` (Docker's RFC3339Nano, trailing zeros of the
 * fraction dropped) into its time and text; undefined for a line without a timestamp.
 */
export function parseTimedLine(line: string): TimedLine | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z ?(.*)$/s.exec(line);
  if (!m) return undefined;
  const seconds = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(seconds)) return undefined;
  return { ns: BigInt(seconds) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0')), text: m[3] ?? '' };
}

/**
 * The journal entry of one line: the message with the pod's namespace, name and uid, the container
 * and the node as fields (`journalctl KUBERNETES_POD_NAME=web-1`), stderr at error priority, and the
 * time the engine read the line as the entry's time.
 */
export function journalEntry(source: ContainerSource, stream: Stream, line: TimedLine): JournalFields {
  return {
    __REALTIME_TIMESTAMP: String(line.ns / 1000n),
    MESSAGE: line.text,
    PRIORITY: stream === 'stderr' ? '3' : '6',
    SYSLOG_IDENTIFIER: source.container,
    KUBERNETES_NAMESPACE: source.namespace,
    KUBERNETES_POD_NAME: source.pod,
    KUBERNETES_POD_UID: source.podUid,
    KUBERNETES_CONTAINER_NAME: source.container,
    KUBERNETES_NODE_NAME: source.node,
    CONTAINER_ID: source.id.slice(0, 12),
    CONTAINER_ID_FULL: source.id,
    STREAM: stream,
  };
}
