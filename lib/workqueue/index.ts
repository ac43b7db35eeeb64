export { WorkQueue, type QueueItem } from './work-queue.js';
export { RateLimitingQueue, type RateLimitingQueueOptions } from './rate-limiting-queue.js';
export {
  type Clock,
  type RateLimiter,
  type TokenBucketOptions,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  TokenBucketRateLimiter,
  defaultControllerRateLimiter,
  monotonicClock,
} from './rate-limiter.js';
export { runWorkers, type SyncFn } from './run-workers.js';
