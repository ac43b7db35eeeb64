import { describe, expect, it } from 'vitest';
import { resourceByName } from '../../../lib/api/resources.js';
import { describeObject } from './index.js';

const now = Date.parse('2024-05-10T12:00:00Z');

describe('describe quota and limitrange', () => {
  it('quota: scopes with their help, then used and hard per resource', () => {
    const quota = {
      metadata: { name: 'compute', namespace: 'default' },
      spec: { hard: { pods: '10', 'requests.cpu': '2' }, scopes: ['NotBestEffort'] },
      status: { hard: { pods: '10', 'requests.cpu': '2' }, used: { pods: '1', 'requests.cpu': '500m' } },
    };
    expect(describeObject(resourceByName('resourcequotas')!, quota, { now, events: [] })).toBe(
      [
        // The help line has no tab, so it ends the first column block, as in Go's tabwriter.
        'Name:       compute',
        'Namespace:  default',
        'Scopes:     NotBestEffort',
        ' * Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.',
        'Resource      Used  Hard',
        '--------      ----  ----',
        'pods          1     10',
        'requests.cpu  500m  2',
        '',
      ].join('\n'),
    );
  });

  it('limitrange: a row per item and resource, - where unset', () => {
    const lr = {
      metadata: { name: 'limits', namespace: 'default' },
      spec: { limits: [{ type: 'Container', max: { cpu: '1' }, default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '250m', memory: '128Mi' } }] },
    };
    expect(describeObject(resourceByName('limitranges')!, lr, { now, events: [] })).toBe(
      [
        'Name:       limits',
        'Namespace:  default',
        'Type        Resource  Min  Max  Default Request  Default Limit  Max Limit/Request Ratio',
        '----        --------  ---  ---  ---------------  -------------  -----------------------',
        'Container   cpu       -    1    250m             500m           -',
        'Container   memory    -    -    128Mi            128Mi          -',
        '',
      ].join('\n'),
    );
  });
});
