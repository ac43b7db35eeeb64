export { WatchCache, type WatchCacheOptions, type ListOptions, type ListResult, type WatchOptions } from './watch-cache.js';
export type { WatchEventType, WatchOut, WatchFilter } from './types.js';
export { objectFields, validateFieldSelector } from './fields.js';
export { encodeContinueToken, decodeContinueToken, type ContinuePosition } from './continue-token.js';
export { startCompactor, type Compactor, type CompactorOptions } from './compactor.js';
export { prunedDecoder, type SelectionDecoder } from './selection-decoder.js';
export { CacheDecoder, CachedObject } from './cached-object.js';
