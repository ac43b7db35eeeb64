import { describe, expect, it } from 'vitest';
import { InvalidKeyError, keyFor, keyOf, splitKey } from './keys.js';

describe('object keys', () => {
  it('are namespace/name, or name for cluster-scoped objects', () => {
    expect(keyOf({ metadata: { namespace: 'default', name: 'web' } })).toBe('default/web');
    expect(keyOf({ metadata: { name: 'node-1' } })).toBe('node-1');
    expect(keyFor('', 'node-1')).toBe('node-1');
    expect(keyFor('kube-system', 'x')).toBe('kube-system/x');
  });

  it('split back into namespace and name', () => {
    expect(splitKey('default/web')).toEqual({ namespace: 'default', name: 'web' });
    expect(splitKey('node-1')).toEqual({ namespace: '', name: 'node-1' });
  });

  it.each(['', 'a/b/c', '/x', 'x/'])('reject %j', (key) => {
    expect(() => splitKey(key)).toThrow(InvalidKeyError);
  });
});
