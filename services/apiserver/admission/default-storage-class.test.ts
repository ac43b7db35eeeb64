import { describe, expect, it } from 'vitest';
import type { PersistentVolumeClaim, StorageClass } from '../../../lib/api/generated/index.js';
import { DefaultStorageClassAdmission } from './default-storage-class.js';

const DEFAULT = { 'storageclass.kubernetes.io/is-default-class': 'true' };

function storageClass(name: string, annotations: Record<string, string> = {}, created = '2026-01-01T00:00:00Z'): StorageClass {
  return { metadata: { name, annotations, creationTimestamp: created }, provisioner: 'kubets.io/local-path' };
}

function claim(storageClassName?: string, annotations: Record<string, string> = {}): PersistentVolumeClaim {
  return { metadata: { name: 'data', namespace: 'default', annotations }, spec: { accessModes: ['ReadWriteOnce'], ...(storageClassName !== undefined && { storageClassName }) } };
}

async function admitted(classes: StorageClass[], pvc: PersistentVolumeClaim, op: 'create' | 'update' = 'create'): Promise<string | undefined> {
  await new DefaultStorageClassAdmission(async () => classes).admit(op, pvc);
  return pvc.spec?.storageClassName;
}

describe('DefaultStorageClass admission', () => {
  it.each([
    ['a claim without a class gets the default', [storageClass('slow'), storageClass('local-path', DEFAULT)], claim(), 'local-path'],
    ['the beta annotation marks a default too', [storageClass('old', { 'storageclass.beta.kubernetes.io/is-default-class': 'true' })], claim(), 'old'],
    ['"" asks for no class and stays', [storageClass('local-path', DEFAULT)], claim(''), ''],
    ['a named class stays', [storageClass('local-path', DEFAULT)], claim('fast'), 'fast'],
    ['the beta class annotation counts as a class', [storageClass('local-path', DEFAULT)], claim(undefined, { 'volume.beta.kubernetes.io/storage-class': 'fast' }), undefined],
    ['no default leaves the claim alone', [storageClass('slow')], claim(), undefined],
    [
      'of two defaults the newest wins',
      [storageClass('first', DEFAULT, '2026-01-01T00:00:00Z'), storageClass('second', DEFAULT, '2026-02-01T00:00:00Z')],
      claim(),
      'second',
    ],
  ])('%s', async (_name, classes, pvc, expected) => {
    expect(await admitted(classes, pvc)).toBe(expected);
  });

  it('leaves updates alone', async () => {
    expect(await admitted([storageClass('local-path', DEFAULT)], claim(), 'update')).toBeUndefined();
  });
});
