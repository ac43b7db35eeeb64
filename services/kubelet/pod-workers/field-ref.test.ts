import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { containerResourceValue, extractFieldPath, formatMap, podFieldValue } from './field-ref.js';

const pod: Pod = {
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { app: 'web', tier: 'front' }, annotations: { note: 'say "hi"\n' } },
  spec: { nodeName: 'node-1', serviceAccountName: 'sa' },
};

describe('field paths', () => {
  it('formats maps like Kubernetes', () => {
    expect(formatMap({ tier: 'front', app: 'web' })).toBe('app="web"\ntier="front"');
    expect(formatMap({ note: 'say "hi"\n' })).toBe('note="say \\"hi\\"\\n"');
    expect(formatMap({})).toBe('');
  });

  it.each([
    ['metadata.name', 'web'],
    ['metadata.namespace', 'shop'],
    ['metadata.uid', 'u-1'],
    ["metadata.labels['app']", 'web'],
    ["metadata.labels['missing']", ''],
    ["metadata.annotations['note']", 'say "hi"\n'],
    ['metadata.labels', 'app="web"\ntier="front"'],
  ])('%s', (path, value) => {
    expect(extractFieldPath(pod, path)).toBe(value);
  });

  it('resolves spec and status fields for env', () => {
    const values = { podIP: '172.17.0.4', hostIP: '10.0.0.1' };
    expect(podFieldValue(pod, 'spec.nodeName', values)).toBe('node-1');
    expect(podFieldValue(pod, 'spec.serviceAccountName', values)).toBe('sa');
    expect(podFieldValue(pod, 'status.podIP', values)).toBe('172.17.0.4');
    expect(podFieldValue(pod, 'status.hostIP', values)).toBe('10.0.0.1');
  });

  it('rejects unknown paths', () => {
    expect(() => extractFieldPath(pod, 'spec.nodeName')).toThrow('unsupported fieldPath: spec.nodeName');
  });
});

describe('containerResourceValue', () => {
  const c = { name: 'c', resources: { limits: { cpu: '500m', memory: '64Mi' }, requests: { cpu: '250m' } } };

  it('divides by the divisor and rounds up', () => {
    expect(containerResourceValue({ resource: 'limits.cpu' }, c)).toBe('1');
    expect(containerResourceValue({ resource: 'limits.cpu', divisor: '1m' }, c)).toBe('500');
    expect(containerResourceValue({ resource: 'requests.cpu', divisor: '1m' }, c)).toBe('250');
    expect(containerResourceValue({ resource: 'limits.memory' }, c)).toBe('67108864');
    expect(containerResourceValue({ resource: 'limits.memory', divisor: '1Mi' }, c)).toBe('64');
    expect(containerResourceValue({ resource: 'requests.memory' }, c)).toBe('0');
  });

  it('reads unset limits as node allocatable', () => {
    expect(containerResourceValue({ resource: 'limits.cpu' }, { name: 'x' }, { cpu: '2', memory: '4Gi' })).toBe('2');
  });

  it('rejects unknown resources', () => {
    expect(() => containerResourceValue({ resource: 'limits.gpu' }, c)).toThrow('unsupported container resource : limits.gpu');
  });
});
