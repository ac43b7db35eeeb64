/**
 * grpc-js options every channel and server of ours uses: no channelz bookkeeping (we expose no
 * channelz service) and no transparent-retry wrapper around each call (our client retries
 * idempotent calls itself, across apiservers), which both cost per call on the hot path.
 */
export const LEAN_CHANNEL_OPTIONS = {
  'grpc.enable_channelz': 0,
  'grpc.enable_retries': 0,
} as const;

/**
 * The HTTP/2 receive window (per stream and per connection) of our channels, of the order Go's
 * HTTP/2 client uses rather than the protocol's 64 KiB. A peer may send only a window's worth of
 * bytes before the receiver reads them and acknowledges, and a receiver that is busy for tens of
 * milliseconds per event-loop turn acknowledges once a turn: with 64 KiB a stream of watch events
 * (an apiserver's to a client, etcd's to an apiserver) was capped at about 64 KiB per turn and fell
 * seconds behind the writes under a burst.
 */
export const WIDE_RECEIVE_WINDOW = { 'grpc-node.flow_control_window': 16 * 1024 * 1024 } as const;

/** The largest message an apiserver accepts (grpc-js' default limit, stated so clients can check first). */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
