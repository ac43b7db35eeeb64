import { describe, expect, it } from 'vitest';
import type { EndpointSlice } from '../../api/generated/index.js';
import { toKubeJSON } from '../../api/json.js';
import { resourceByName } from '../../api/resources.js';
import { printTable } from './registry.js';

const now = Date.parse('2024-05-10T12:00:00Z');
const info = resourceByName('endpointslices')!;
const slice = (name: string, fields: Partial<EndpointSlice>): EndpointSlice => ({
  metadata: { name, creationTimestamp: new Date(now - 90_000).toISOString() },
  addressType: 'IPv4',
  ...fields,
});
const at = (...addresses: string[]) => addresses.map((address) => ({ addresses: [address] }));

describe('kubectl get endpointslices', () => {
  it('NAME ADDRESSTYPE PORTS ENDPOINTS AGE: three of each, then how many more', () => {
    const list = [
      slice('web-7xk2p', { ports: [{ name: 'http', port: 8080, protocol: 'TCP' }], endpoints: at('10.244.0.5', '10.244.0.6') }),
      slice('big-9qz4m', {
        ports: [1, 2, 3, 4, 5].map((port) => ({ name: `p${port}`, port, protocol: 'TCP' })),
        endpoints: at('10.244.0.1', '10.244.0.2', '10.244.0.3', '10.244.0.4', '10.244.0.7'),
      }),
      slice('empty-b8d2w', {}),
      slice('all-ports-c2d9q', { ports: [{ name: 'any', protocol: 'TCP' }, {}], endpoints: [{ addresses: ['10.244.1.1', '10.244.1.2'] }] }),
    ];
    expect(printTable(info, list, { now })).toBe(
      [
        'NAME              ADDRESSTYPE   PORTS               ENDPOINTS                                      AGE',
        'web-7xk2p         IPv4          8080                10.244.0.5,10.244.0.6                          90s',
        'big-9qz4m         IPv4          1,2,3 + 2 more...   10.244.0.1,10.244.0.2,10.244.0.3 + 2 more...   90s',
        'empty-b8d2w       IPv4          <unset>             <unset>                                        90s',
        'all-ports-c2d9q   IPv4          any,<unset>         10.244.1.1,10.244.1.2                          90s',
        '',
      ].join('\n'),
    );
  });

  it('-o yaml: discovery.k8s.io/v1 with Kubernetes field names, unset conditions left out', () => {
    const json = toKubeJSON(info, {
      ...slice('web-7xk2p', {}),
      endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: false, serving: true, terminating: false }, nodeName: 'n1', targetRef: { kind: 'Pod', name: 'web-1' } }, { addresses: ['10.244.0.6'], conditions: {} }],
      ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    });
    expect(json).toMatchObject({
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      addressType: 'IPv4',
      endpoints: [
        { addresses: ['10.244.0.5'], conditions: { ready: false, serving: true, terminating: false }, nodeName: 'n1', targetRef: { kind: 'Pod', name: 'web-1' } },
        { addresses: ['10.244.0.6'], conditions: {} },
      ],
      ports: [{ name: '', port: 8080, protocol: 'TCP' }],
    });
  });
});
