import type { EndpointSlice } from '../../../lib/api/generated/index.js';

// Kubernetes' SetDefaults_EndpointPort: a port's name defaults to "" and its protocol to TCP.

export function defaultEndpointSlice(slice: EndpointSlice): void {
  for (const port of slice.ports ?? []) {
    port.name ??= '';
    port.protocol ??= 'TCP';
  }
}
