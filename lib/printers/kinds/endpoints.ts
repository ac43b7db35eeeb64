import type { Endpoints } from '../../api/generated/index.js';
import { age } from '../duration.js';
import { joinHostPort } from './common.js';
import type { KindPrinter, RowContext } from './types.js';

const SHOWN_ENDPOINTS = 3;

/**
 * Ready addresses as `ip:port` (bare IPs for port-less subsets), the first three then
 * `+ N more...`; `<none>` without subsets. With `portName`, only ports of that name count, as
 * `kubectl describe service` lists the endpoints of each port.
 */
export function formatEndpoints(endpoints: Endpoints | undefined, portName?: string): string {
  const subsets = endpoints?.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const shown: string[] = [];
  let count = 0;
  const take = (text: string): void => {
    count++;
    if (shown.length < SHOWN_ENDPOINTS) shown.push(text);
  };
  for (const subset of subsets) {
    const addresses = subset.addresses ?? [];
    const ports = subset.ports ?? [];
    if (ports.length === 0) {
      for (const a of addresses) take(a.ip ?? '');
      continue;
    }
    for (const port of ports) {
      if (portName !== undefined && (port.name ?? '') !== portName) continue;
      for (const a of addresses) take(joinHostPort(a.ip ?? '', port.port ?? 0));
    }
  }
  const list = shown.join(',');
  return count > SHOWN_ENDPOINTS ? `${list} + ${count - SHOWN_ENDPOINTS} more...` : list;
}

export const endpointsPrinter: KindPrinter<Endpoints> = {
  columns: [{ name: 'Name' }, { name: 'Endpoints' }, { name: 'Age' }],
  cells(ep: Endpoints, { now }: RowContext): string[] {
    return [ep.metadata?.name ?? '', formatEndpoints(ep), age(ep.metadata?.creationTimestamp, now)];
  },
};
