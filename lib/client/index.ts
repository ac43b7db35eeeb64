export { ApiClient, InvalidClientOptionsError, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_DEADLINE_MS, type ApiClientOptions } from './client.js';
export {
  ResourceClient,
  isExpiredError,
  apiErrorFromStatus,
  DEFAULT_LIST_PAGE_SIZE,
  type CallOptions,
  type CreateOptions,
  type DeleteCallOptions,
  type ListOptions,
  type ListResult,
  type PatchOptions,
  type PatchType,
  type UpdateOptions,
  type WatchEvent,
  type WatchEventType,
  type WatchOptions,
} from './resource-client.js';
export type { ExecOptions, ExecSession } from './exec.js';
export { keyOf, keyFor, splitKey, InvalidKeyError, type KubeObject } from './keys.js';
export { formatTime, formatMicroTime, parseTime } from './api-time.js';
