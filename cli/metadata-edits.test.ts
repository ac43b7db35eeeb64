import { describe, expect, it } from 'vitest';
import { applyMetadataEdits, parseMetadataEdits, splitResourcesAndEdits } from './metadata-edits.js';

describe('label and annotate arguments', () => {
  it('splits resources from edits', () => {
    expect(splitResourcesAndEdits(['pods', 'foo', 'env=prod', 'tier-'], 'label')).toEqual({ resources: ['pods', 'foo'], edits: ['env=prod', 'tier-'] });
    expect(() => splitResourcesAndEdits(['pods', 'a=b', 'foo'], 'label')).toThrow('all resources must be specified before label changes: foo');
  });

  it('parses and validates label edits', () => {
    expect(parseMetadataEdits(['env=prod', 'tier-', 'empty='], 'label')).toEqual({ set: { env: 'prod', empty: '' }, remove: ['tier'] });
    expect(() => parseMetadataEdits(['env=has space'], 'label')).toThrow('invalid label value: "env=has space"');
    expect(() => parseMetadataEdits(['-'], 'label')).toThrow('unknown label spec: -');
    expect(() => parseMetadataEdits(['a=b', 'a-'], 'label')).toThrow('can not both modify and remove a label in the same command');
    expect(parseMetadataEdits(['note=any value, really'], 'annotation').set).toEqual({ note: 'any value, really' });
  });

  it('refuses to change a value without --overwrite', () => {
    const edits = parseMetadataEdits(['app=web'], 'label');
    expect(() => applyMetadataEdits({ app: 'db' }, edits, 'label', false)).toThrow("'app' already has a value (db), and --overwrite is false");
    expect(applyMetadataEdits({ app: 'db' }, edits, 'label', true)).toEqual({ next: { app: 'web' }, changed: true, missing: [] });
    expect(applyMetadataEdits({ app: 'web' }, edits, 'label', false).changed).toBe(false);
  });

  it('reports removals of absent keys', () => {
    expect(applyMetadataEdits({ a: '1' }, parseMetadataEdits(['b-', 'a-'], 'label'), 'label', false)).toEqual({ next: {}, changed: true, missing: ['b'] });
  });
});
