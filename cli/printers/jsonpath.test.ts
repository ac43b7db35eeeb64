import { describe, expect, it } from 'vitest';
import type { JsonValue } from './go-values.js';
import { JSONPathError, executeJSONPath, findResults } from './jsonpath.js';

const list: JsonValue = {
  apiVersion: 'v1',
  kind: 'List',
  metadata: { resourceVersion: '' },
  items: [
    {
      metadata: { name: 'mysql-x7k2p', labels: { app: 'mysql', 'app.kubernetes.io/name': 'db' } },
      spec: { nodeName: 'node-1', priority: 10, containers: [{ name: 'mysql', image: 'mysql:5.7' }] },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'Ready', status: 'True' },
          { type: 'PodScheduled', status: 'True' },
        ],
      },
    },
    {
      metadata: { name: 'web-1', labels: { app: 'web', tier: 'frontend' } },
      spec: {
        priority: 0,
        containers: [
          { name: 'web', image: 'nginx:1.25' },
          { name: 'sidecar', image: 'busybox:1.36' },
        ],
      },
      status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
    },
  ],
};

describe('executeJSONPath', () => {
  it.each([
    ['{.items[*].metadata.name}', 'mysql-x7k2p web-1'],
    ['{range .items[*]}{.metadata.name}{"\\n"}{end}', 'mysql-x7k2p\nweb-1\n'],
    ['{.items[0].spec.containers[*].image}', 'mysql:5.7'],
    ['{.items[1].spec.containers[*].image}', 'nginx:1.25 busybox:1.36'],
    ['{.items[-1].metadata.name}', 'web-1'],
    ['{.items[0:1].metadata.name}', 'mysql-x7k2p'],
    ["{.items[*]['metadata']['name']}", 'mysql-x7k2p web-1'],
    ['{.items[?(@.status.phase=="Running")].metadata.name}', 'mysql-x7k2p'],
    ['{.items[?(@.spec.priority>5)].metadata.name}', 'mysql-x7k2p'],
    ['{.items[?(@.spec.nodeName)].metadata.name}', 'mysql-x7k2p'],
    ['{range .items[*]}{.metadata.name}{"\\t"}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}', 'mysql-x7k2p\tTrue\nweb-1\tFalse\n'],
    ['{.items[0].metadata.labels}', '{"app":"mysql","app.kubernetes.io/name":"db"}'],
    ['{.items[0].spec.containers[*]}', '{"image":"mysql:5.7","name":"mysql"}'],
    ['{.items[0].metadata.labels.app\\.kubernetes\\.io/name}', 'db'],
    ['{.items[*].metadata.labels.tier}', 'frontend'],
    ['{.items[0].metadata.missing}', ''],
    ['{..image}', 'mysql:5.7 nginx:1.25 busybox:1.36'],
    ['name: {.items[0].metadata.name}, kind: {.kind}', 'name: mysql-x7k2p, kind: List'],
    ['{range .items[*]}[{.metadata.name}]{end}', '[mysql-x7k2p][web-1]'],
    ['{"a\\"b"}{\'c\'}', 'a"bc'],
    ['{.items[0].spec.priority}', '10'],
  ])('%s', (template, want) => {
    expect(executeJSONPath(template, list)).toBe(want);
  });

  it('reports template errors as kubectl does', () => {
    expect(() => executeJSONPath('{.items[0]', list)).toThrow(new JSONPathError('error parsing jsonpath {.items[0], unclosed action'));
    expect(() => executeJSONPath('{end}', list)).toThrow(new JSONPathError('error parsing jsonpath {end}, not in range, nothing to end'));
    expect(() => executeJSONPath('{metadata.name}', list)).toThrow(JSONPathError);
  });
});

describe('findResults', () => {
  it('returns every selected value', () => {
    expect(findResults('{.items[*].spec.containers[*].name}', list)).toEqual(['mysql', 'web', 'sidecar']);
  });
});
