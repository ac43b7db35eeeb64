import { describe, expect, it } from 'vitest';
import { duplicateFields } from './duplicate-fields.js';

describe('duplicateFields', () => {
  it('names each field given twice in one JSON object, with its path', () => {
    const text = '{"metadata":{"name":"a","name":"b"},"spec":{"containers":[{"name":"c","image":"x","image":"y"}],"replicas":1},"spec":{}}';
    expect(duplicateFields(text, false)).toEqual(['duplicate field "metadata.name"', 'duplicate field "spec.containers[0].image"', 'duplicate field "spec"']);
  });

  it('is not fooled by braces and quotes inside strings, or the same key in sibling objects', () => {
    expect(duplicateFields('{"a":"}{,\\"a\\"","b":[{"k":1},{"k":2}],"c":{"k":1},"d":{"k":2}}', false)).toEqual([]);
  });

  it('reads YAML too', () => {
    expect(duplicateFields('metadata:\n  name: a\n  name: b\nspec:\n  containers:\n  - name: c\n    name: d\n', true)).toEqual([
      'duplicate field "metadata.name"',
      'duplicate field "spec.containers[0].name"',
    ]);
  });
});
