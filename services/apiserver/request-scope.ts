import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one API request gathers on its way through the apiserver besides its answer: the user it
 * acts as (admission exemptions name users), the warnings the client gets (Kubernetes' Warning
 * headers) and the annotations of its audit event. The transports open a scope around each call;
 * admission plugins add to it without every layer in between passing it along. Outside a request
 * (the apiserver's own bootstrap writes) there is no scope and additions go nowhere.
 */
export interface RequestScope {
  user?: { name: string; groups: readonly string[] };
  /** In the order added, each once (a write retried after a conflict admits again). */
  warnings: Set<string>;
  annotations: Record<string, string>;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function newRequestScope(): RequestScope {
  return { warnings: new Set(), annotations: {} };
}

export function inRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentRequestScope(): RequestScope | undefined {
  return storage.getStore();
}

export function addWarning(message: string): void {
  storage.getStore()?.warnings.add(message);
}

export function addAuditAnnotation(key: string, value: string): void {
  const scope = storage.getStore();
  if (scope) scope.annotations[key] = value;
}
