import { describe, expect, it } from 'vitest';
import { resourceByName } from '../../lib/api/resources.js';
import { LAST_APPLIED_ANNOTATION, withLastApplied } from './last-applied.js';

describe('the last-applied annotation', () => {
  it("is kubectl's canonical form: keys sorted at every level, an empty annotations map kept", () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'la2', namespace: 'default' }, data: { z: '1', a: '2' } };
    const annotated = withLastApplied(resourceByName('configmaps')!, cm);
    expect(annotated.metadata?.annotations?.[LAST_APPLIED_ANNOTATION]).toBe(
      '{"apiVersion":"v1","data":{"a":"2","z":"1"},"kind":"ConfigMap","metadata":{"annotations":{},"name":"la2","namespace":"default"}}\n',
    );
  });

  it('keeps the other annotations, sorted, and never records itself', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', annotations: { b: '2', a: '1', [LAST_APPLIED_ANNOTATION]: 'old' } } };
    const recorded = withLastApplied(resourceByName('configmaps')!, cm).metadata?.annotations?.[LAST_APPLIED_ANNOTATION];
    expect(recorded).toBe('{"apiVersion":"v1","kind":"ConfigMap","metadata":{"annotations":{"a":"1","b":"2"},"name":"c"}}\n');
  });
});
