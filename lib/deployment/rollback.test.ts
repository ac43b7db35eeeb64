import { describe, expect, it } from 'vitest';
import type { ReplicaSet } from '../api/generated/index.js';
import { templatesEqual } from './pod-template.js';
import { rollbackPatch } from './rollback.js';

const rs = (name: string, revision: string, image: string, cause?: string): ReplicaSet => ({
  metadata: {
    name,
    annotations: { 'deployment.kubernetes.io/revision': revision, ...(cause ? { 'kubernetes.io/change-cause': cause } : {}) },
  },
  spec: { template: { metadata: { labels: { app: 'web', 'pod-template-hash': name } }, spec: { containers: [{ name: 'web', image }] } } },
});

describe('rollback', () => {
  it('compares templates without the hash label and restores a revision without it', () => {
    const a = rs('a', '1', 'v1');
    const b = rs('b', '2', 'v1');
    expect(templatesEqual(a.spec?.template, b.spec?.template)).toBe(true);
    expect(templatesEqual(a.spec?.template, rs('c', '3', 'v2').spec?.template)).toBe(false);
    const patch = rollbackPatch({ metadata: { annotations: { 'deployment.kubernetes.io/revision': '2', team: 'x' } } }, rs('a', '1', 'v1', 'first'));
    expect(patch).toEqual([
      { op: 'add', path: '/spec/template', value: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'v1' }] } } },
      { op: 'add', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '2', 'kubernetes.io/change-cause': 'first' } },
    ]);
  });
});
