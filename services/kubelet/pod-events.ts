import type { Pod } from '../../lib/api/generated/index.js';
import type { EventRecorder } from '../../lib/events/event-recorder.js';
import type { EventRecorder as PodEventRecorder } from './runtime/events.js';

/**
 * The runtime and pod workers report pod events through their own narrow interface; this writes
 * them as Event objects with the shared recorder (deduplicated, queued, never blocking a sync).
 */
export function podEventRecorder(recorder: EventRecorder): PodEventRecorder {
  return {
    event(pod: Pod, type, reason, message, fieldPath) {
      const meta = pod.metadata;
      recorder.event(
        {
          apiVersion: 'v1',
          kind: 'Pod',
          namespace: meta?.namespace || 'default',
          name: meta?.name ?? '',
          ...(meta?.uid && { uid: meta.uid }),
          ...(fieldPath && { fieldPath }),
        },
        type,
        reason,
        message,
      );
    },
  };
}
