import type { Endpoint, EndpointSlice, EndpointSlicePort } from '../../api/generated/index.js';
import { age } from '../duration.js';
import type { KindPrinter, RowContext } from './types.js';

const SHOWN_ITEMS = 3;

/** kubectl's listWithMoreString: the first three, then `+ N more...`; `<unset>` for none. */
function listWithMore(items: readonly string[]): string {
  const shown = items.slice(0, SHOWN_ITEMS).join(',');
  if (items.length > SHOWN_ITEMS) return `${shown} + ${items.length - SHOWN_ITEMS} more...`;
  return shown || '<unset>';
}

/** A port by number, by name when it has none ("all ports" of that name), else `<unset>`. */
function portText(port: EndpointSlicePort): string {
  if (port.port !== undefined) return String(port.port);
  return port.name ?? '<unset>';
}

function formatSlicePorts(ports: readonly EndpointSlicePort[] | undefined): string {
  return listWithMore((ports ?? []).map(portText));
}

function formatSliceEndpoints(endpoints: readonly Endpoint[] | undefined): string {
  return listWithMore((endpoints ?? []).flatMap((endpoint) => endpoint.addresses ?? []));
}

export const endpointSlicePrinter: KindPrinter<EndpointSlice> = {
  columns: [{ name: 'Name' }, { name: 'AddressType' }, { name: 'Ports' }, { name: 'Endpoints' }, { name: 'Age' }],
  cells(slice: EndpointSlice, { now }: RowContext): string[] {
    return [
      slice.metadata?.name ?? '',
      slice.addressType ?? '',
      formatSlicePorts(slice.ports),
      formatSliceEndpoints(slice.endpoints),
      age(slice.metadata?.creationTimestamp, now),
    ];
  },
};
