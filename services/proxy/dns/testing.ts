import type { Endpoints, Service } from '../../../lib/api/generated/index.js';
import type { Answer } from 'dns-packet';
import type { ServiceDirectory } from './records.js';

/** A ServiceDirectory over plain arrays, for tests. */
export function directoryOf(services: Service[], endpoints: Endpoints[] = []): ServiceDirectory {
  const key = (o: { metadata?: { namespace?: string; name?: string } }): string => `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? ''}`;
  const svc = new Map(services.map((s) => [key(s), s]));
  const eps = new Map(endpoints.map((e) => [key(e), e]));
  return {
    service: (namespace, name) => svc.get(`${namespace}/${name}`),
    endpoints: (namespace, name) => eps.get(`${namespace}/${name}`),
    hasServicesIn: (namespace) => services.some((s) => (s.metadata?.namespace ?? 'default') === namespace),
  };
}

/** The data of each record (OPT records have none). */
export function dataOf(answers: readonly Answer[] | undefined): unknown[] {
  return (answers ?? []).map((a) => ('data' in a ? a.data : undefined));
}
