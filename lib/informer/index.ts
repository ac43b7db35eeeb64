export { Informer, type EventHandlers, type InformerOptions } from './informer.js';
export { SharedInformerFactory, type InformerScope, type SharedInformerFactoryOptions } from './shared-informer-factory.js';
export { Store, IndexError, NAMESPACE_INDEX, type IndexFunc, type Indexer } from './store.js';
export { Backoff, sleep, type BackoffOptions } from './backoff.js';
export { deepFreeze } from './freeze.js';
