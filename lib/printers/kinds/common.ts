import type { Container } from '../../api/generated/index.js';
import { formatQuantity } from '../../quantity.js';

/** CONTAINERS and IMAGES cells of workload kinds: names and images joined by commas. */
export function containerCells(containers: Container[] | undefined): { names: string; images: string } {
  const list = containers ?? [];
  return { names: list.map((c) => c.name ?? '').join(','), images: list.map((c) => c.image ?? '').join(',') };
}

/** `host:port`, with IPv6 hosts in brackets as Go's net.JoinHostPort writes them. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Access modes abbreviated in kubectl's fixed order (RWO,ROX,RWX,RWOP). */
export function accessModesString(modes: string[] | undefined): string {
  const present = new Set(modes ?? []);
  const abbreviations: Array<[string, string]> = [
    ['ReadWriteOnce', 'RWO'],
    ['ReadOnlyMany', 'ROX'],
    ['ReadWriteMany', 'RWX'],
    ['ReadWriteOncePod', 'RWOP'],
  ];
  return abbreviations
    .filter(([mode]) => present.has(mode))
    .map(([, short]) => short)
    .join(',');
}

/**
 * A quantity in canonical form; an absent one prints as "0", like a zero resource.Quantity. A value
 * that does not parse is shown as stored: a printer reports what is there rather than failing.
 */
export function quantityString(value: string | undefined): string {
  if (value === undefined) return '0';
  try {
    return formatQuantity(value);
  } catch {
    return value;
  }
}

/** The storage class of a PV or PVC: the beta annotation older objects carry wins over the field. */
export function storageClassOf(storageClassName: string | undefined, annotations: Record<string, string> | undefined): string {
  return annotations?.['volume.beta.kubernetes.io/storage-class'] ?? storageClassName ?? '';
}
