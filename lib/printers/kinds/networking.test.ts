import { describe, expect, it } from 'vitest';
import type { AnyObject } from '../../api/resources.js';
import { resourceByName } from '../../api/resources.js';
import { printTable } from './registry.js';

const now = Date.parse('2024-05-10T12:00:00Z');
const ago = (seconds: number): string => new Date(now - seconds * 1000).toISOString();
const print = (resource: string, objects: AnyObject[]): string => printTable(resourceByName(resource)!, objects, { now });
const lines = (...l: string[]): string => [...l, ''].join('\n');

describe('kubectl get ingresses and ingressclasses', () => {
  it('ingresses: NAME CLASS HOSTS ADDRESS PORTS AGE', () => {
    const rule = (host: string) => ({ host });
    const list = [
      {
        metadata: { name: 'web', creationTimestamp: ago(120) },
        spec: { ingressClassName: 'haproxy', rules: [rule('a.example.com'), rule('b.example.com')], tls: [{ hosts: ['a.example.com'], secretName: 'tls' }] },
        status: { loadBalancer: { ingress: [{ ip: '172.17.0.1' }] } },
      },
      { metadata: { name: 'catch-all', creationTimestamp: ago(30) }, spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } },
      { metadata: { name: 'many', creationTimestamp: ago(30) }, spec: { rules: ['a', 'b', 'c', 'd', 'e'].map((h) => rule(`${h}.io`)) } },
    ];
    expect(print('ingresses', list as AnyObject[])).toBe(
      lines(
        'NAME        CLASS     HOSTS                         ADDRESS      PORTS     AGE',
        'web         haproxy   a.example.com,b.example.com   172.17.0.1   80, 443   2m',
        'catch-all   <none>    *                                          80        30s',
        'many        <none>    a.io,b.io,c.io + 2 more...                 80        30s',
      ),
    );
  });

  it('ingressclasses: NAME CONTROLLER PARAMETERS AGE', () => {
    const list = [
      { metadata: { name: 'haproxy', creationTimestamp: ago(60) }, spec: { controller: 'kubets.io/ingress-haproxy' } },
      { metadata: { name: 'tuned', creationTimestamp: ago(60) }, spec: { controller: 'example.com/lb', parameters: { apiGroup: 'example.com', kind: 'Config', name: 'lb' } } },
    ];
    expect(print('ingressclasses', list as AnyObject[])).toBe(
      lines('NAME      CONTROLLER                  PARAMETERS              AGE', 'haproxy   kubets.io/ingress-haproxy   <none>                  60s', 'tuned     example.com/lb              Config.example.com/lb   60s'),
    );
  });
});
