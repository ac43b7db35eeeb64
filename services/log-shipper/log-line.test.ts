import { describe, expect, it } from 'vitest';
import { journalEntry, parseTimedLine } from './log-line.js';

describe('log lines', () => {
  it("reads Docker's RFC3339Nano timestamp to the nanosecond, trimmed fractions included", () => {
    expect(parseTimedLine('2026-12-06T06:33:08.123456789Z hello world')).toEqual({ ns: 1796538788123456789n, text: 'hello world' });
    expect(parseTimedLine('2026-12-06T06:33:08.1Z x')?.ns).toBe(1796538788100000000n);
    expect(parseTimedLine('2026-12-06T06:33:08Z ')).toEqual({ ns: 1796538788000000000n, text: '' });
    expect(parseTimedLine('no timestamp')).toBeUndefined();
  });

  it('becomes a journal entry with the pod, namespace, container and node as fields', () => {
    const source = { id: '0123456789abcdef', pod: 'web-1', namespace: 'shop', podUid: 'u1', container: 'app', node: 'n1' };
    expect(journalEntry(source, 'stderr', { ns: 1796538788123456789n, text: 'oops' })).toMatchObject({
      __REALTIME_TIMESTAMP: '1796538788123456',
      MESSAGE: 'oops',
      PRIORITY: '3',
      KUBERNETES_POD_NAME: 'web-1',
      KUBERNETES_NAMESPACE: 'shop',
      KUBERNETES_CONTAINER_NAME: 'app',
      KUBERNETES_NODE_NAME: 'n1',
      CONTAINER_ID: '0123456789ab',
    });
  });
});
