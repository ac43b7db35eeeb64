import { describe, expect, it } from 'vitest';
import type { ManagedFieldsEntry } from '../../../lib/api/generated/index.js';
import { strategicMergePatch } from '../../../lib/patch/strategic-merge.js';
import { decodeFields, describePath, type JsonObject } from './field-set.js';
import { applyOwnership, ApplyConflicts, ownersOnCreate, ownersOnUpdate, type Writer } from './ownership.js';

const writer = (manager: string): Writer => ({ manager, apiVersion: 'apps/v1', subresource: '', time: '2026-01-01T00:00:00Z' });
const owned = (entries: ManagedFieldsEntry[], manager: string, operation = 'Update'): string[] => {
  const entry = entries.find((e) => e.manager === manager && e.operation === operation);
  return entry ? [...decodeFields(JSON.parse(entry.fieldsV1!.raw!) as JsonObject).values()].map(describePath).sort() : [];
};

const live = (): JsonObject => ({ metadata: { name: 'web', labels: { app: 'web' } }, spec: { replicas: 2, paused: false } });

/** Applies `config` as `manager` onto `object` owned by `entries`. */
function apply(entries: ManagedFieldsEntry[] | undefined, object: JsonObject, config: JsonObject, manager: string, force = false) {
  return applyOwnership(entries, object, config, strategicMergePatch(object, config) as JsonObject, 'main', writer(manager), force);
}

describe('Update ownership', () => {
  it('gives a creator every field it set', () => {
    const entries = ownersOnCreate(live(), 'main', writer('kubectl-create'));
    expect(entries).toMatchObject([{ manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', time: '2026-01-01T00:00:00Z' }]);
    expect(owned(entries, 'kubectl-create')).toEqual(['.metadata.labels.app', '.spec.paused', '.spec.replicas']);
  });

  it('moves the fields an update changed to its manager, drops removed ones and leaves a no-op alone', () => {
    const created = ownersOnCreate(live(), 'main', writer('creator'));
    const after = live();
    (after.spec as JsonObject).replicas = 5;
    delete (after.spec as JsonObject).paused;
    const entries = ownersOnUpdate(created, live(), after, 'main', writer('scaler'))!;
    expect(owned(entries, 'creator')).toEqual(['.metadata.labels.app']);
    expect(owned(entries, 'scaler')).toEqual(['.spec.replicas']);
    expect(ownersOnUpdate(entries, after, structuredClone(after), 'main', writer('scaler'))).toBeUndefined();
  });
});

describe('Apply ownership', () => {
  it('owns exactly the applied fields and shares fields applied with the same value', () => {
    const created = ownersOnCreate(live(), 'main', writer('creator'));
    const { object, managedFields } = apply(created, live(), { spec: { replicas: 2 } }, 'applier');
    expect(object.spec).toEqual({ replicas: 2, paused: false });
    expect(owned(managedFields, 'applier', 'Apply')).toEqual(['.spec.replicas']);
    expect(owned(managedFields, 'creator')).toContain('.spec.replicas');
  });

  it('refuses to change a field another manager owns, naming it as Kubernetes does', () => {
    const created = ownersOnCreate(live(), 'main', writer('other-manager'));
    let error: unknown;
    try {
      apply(created, live(), { spec: { replicas: 3 } }, 'applier');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ApplyConflicts);
    expect((error as ApplyConflicts).message).toBe('Apply failed with 1 conflict: conflict with "other-manager" using apps/v1: .spec.replicas');
  });

  it('groups several conflicts by manager', () => {
    const created = ownersOnCreate(live(), 'main', writer('other'));
    expect(() => apply(created, live(), { spec: { replicas: 3, paused: true } }, 'applier')).toThrow(
      'Apply failed with 2 conflicts: conflicts with "other" using apps/v1:\n- .spec.replicas\n- .spec.paused',
    );
  });

  it('takes the fields when forced', () => {
    const created = ownersOnCreate(live(), 'main', writer('other'));
    const { object, managedFields } = apply(created, live(), { spec: { replicas: 3 } }, 'applier', true);
    expect((object.spec as JsonObject).replicas).toBe(3);
    expect(owned(managedFields, 'other')).toEqual(['.metadata.labels.app', '.spec.paused']);
    expect(owned(managedFields, 'applier', 'Apply')).toEqual(['.spec.replicas']);
  });

  it('removes fields the manager stopped applying unless someone else owns them', () => {
    const first = apply(undefined, { metadata: {} }, { metadata: { labels: { a: '1', b: '2' } }, spec: { replicas: 1 } }, 'applier');
    const shared = apply(first.managedFields, first.object, { metadata: { labels: { b: '2' } } }, 'second');
    const second = apply(shared.managedFields, shared.object, { metadata: { annotations: { note: 'n' } } }, 'applier');
    expect(second.object).toEqual({ metadata: { labels: { b: '2' }, annotations: { note: 'n' } } });
    expect(owned(second.managedFields, 'applier', 'Apply')).toEqual(['.metadata.annotations.note']);
    expect(owned(second.managedFields, 'second', 'Apply')).toEqual(['.metadata.labels.b']);
  });
});
