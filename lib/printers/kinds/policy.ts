import type { IntOrString, PodDisruptionBudget } from '../../api/generated/index.js';
import { age } from '../duration.js';
import type { KindPrinter, RowContext } from './types.js';

/** An IntOrString as kubectl prints it (`1`, `50%`), or N/A when the budget does not set it. */
export function intOrPercentCell(value: IntOrString | undefined): string {
  if (!value) return 'N/A';
  return value.strVal !== undefined && value.strVal !== '' ? value.strVal : String(value.intVal ?? 0);
}

export const podDisruptionBudgetPrinter: KindPrinter<PodDisruptionBudget> = {
  columns: [{ name: 'Name' }, { name: 'Min Available' }, { name: 'Max Unavailable' }, { name: 'Allowed Disruptions' }, { name: 'Age' }],
  cells(pdb: PodDisruptionBudget, { now }: RowContext): string[] {
    return [
      pdb.metadata?.name ?? '',
      intOrPercentCell(pdb.spec?.minAvailable),
      intOrPercentCell(pdb.spec?.maxUnavailable),
      String(pdb.status?.disruptionsAllowed ?? 0),
      age(pdb.metadata?.creationTimestamp, now),
    ];
  },
};
