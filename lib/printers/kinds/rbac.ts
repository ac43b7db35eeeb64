import type { ClusterRole, ClusterRoleBinding, Role, RoleBinding, Subject } from '../../api/generated/index.js';
import { age } from '../duration.js';
import type { KindPrinter, RowContext } from './types.js';

// kubectl's columns for RBAC: roles show when they were made (an RFC 3339 time, not an age),
// bindings their role and, with -o wide, who they bind.

function rolePrinter<T extends Role | ClusterRole>(): KindPrinter<T> {
  return {
    columns: [{ name: 'Name' }, { name: 'Created At' }],
    cells(role: T): string[] {
      return [role.metadata?.name ?? '', role.metadata?.creationTimestamp ?? ''];
    },
  };
}

/** Subjects of one kind as kubectl lists them: service accounts as namespace:name. */
function subjectNames(subjects: Subject[] | undefined, kind: string): string {
  return (subjects ?? [])
    .filter((s) => s.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${s.namespace ?? ''}:${s.name ?? ''}` : (s.name ?? '')))
    .join(', ');
}

function bindingPrinter<T extends RoleBinding | ClusterRoleBinding>(): KindPrinter<T> {
  return {
    columns: [{ name: 'Name' }, { name: 'Role' }, { name: 'Age' }, { name: 'Users', wide: true }, { name: 'Groups', wide: true }, { name: 'ServiceAccounts', wide: true }],
    cells(binding: T, { now }: RowContext): string[] {
      const ref = binding.roleRef;
      return [
        binding.metadata?.name ?? '',
        `${ref?.kind ?? ''}/${ref?.name ?? ''}`,
        age(binding.metadata?.creationTimestamp, now),
        subjectNames(binding.subjects, 'User'),
        subjectNames(binding.subjects, 'Group'),
        subjectNames(binding.subjects, 'ServiceAccount'),
      ];
    },
  };
}

export const roleKindPrinter = rolePrinter<Role>();
export const clusterRoleKindPrinter = rolePrinter<ClusterRole>();
export const roleBindingPrinter = bindingPrinter<RoleBinding>();
export const clusterRoleBindingPrinter = bindingPrinter<ClusterRoleBinding>();
