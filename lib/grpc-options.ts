/**
 * grpc-js options every channel and server of ours uses: no channelz bookkeeping (we expose no
 * channelz service) and no transparent-retry wrapper around each call (our client retries
 * idempotent calls itself, across apiservers), which both cost per call on the hot path.
 */
export const LEAN_CHANNEL_OPTIONS = {
  'grpc.enable_channelz': 0,
  'grpc.enable_retries': 0,
} as const;

/** The largest message an apiserver accepts (grpc-js' default limit, stated so clients can check first). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
