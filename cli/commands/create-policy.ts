import { Command } from 'commander';
import type { IntOrString, PodDisruptionBudget } from '../../lib/api/generated/index.js';
import { resourceByField } from '../../lib/api/resources.js';
import { labelSelectorFromText } from '../../lib/labels/label-selector-text.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { submitGenerated } from '../submit-generated.js';
import { addWriteOptions, type WriteFlags } from '../write-output.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// `kubectl create poddisruptionbudget` (alias pdb): a budget over the pods a selector names, with
// either --min-available or --max-unavailable, each a number or a percentage.

const PDB = resourceByField('podDisruptionBudget');
/** A count or a percentage, as kubectl accepts them (10, 30%; not 10Gb). */
const COUNT_OR_PERCENT = /^[0-9]+%?$/;

interface CreatePdbFlags extends WriteFlags {
  selector?: string;
  minAvailable?: string;
  maxUnavailable?: string;
}

/** intstr.Parse: a plain integer is a number, anything else a string. */
function intOrString(value: string): IntOrString {
  return /^\d+$/.test(value) ? { intVal: Number(value) } : { strVal: value };
}

async function runCreatePdb(ctx: CliContext, name: string, flags: CreatePdbFlags): Promise<void> {
  const { selector, minAvailable, maxUnavailable } = flags;
  if (!selector) throw new CliError('a selector must be specified');
  if (!minAvailable && !maxUnavailable) throw new CliError('one of min-available or max-unavailable must be specified');
  if (minAvailable && maxUnavailable) throw new CliError('min-available and max-unavailable cannot be both specified');
  if (minAvailable && !COUNT_OR_PERCENT.test(minAvailable)) throw new CliError('invalid format specified for min-available');
  if (maxUnavailable && !COUNT_OR_PERCENT.test(maxUnavailable)) throw new CliError('invalid format specified for max-unavailable');
  let parsed;
  try {
    parsed = labelSelectorFromText(selector);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const pdb: PodDisruptionBudget = {
    apiVersion: PDB.apiVersion,
    kind: PDB.kind,
    metadata: { name },
    spec: {
      selector: parsed,
      ...(minAvailable && { minAvailable: intOrString(minAvailable) }),
      ...(maxUnavailable && { maxUnavailable: intOrString(maxUnavailable) }),
    },
    // kubectl's generated object carries the status counts, which Kubernetes' JSON always writes.
    status: { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 },
  };
  await submitGenerated(ctx, PDB, pdb, flags);
}

export function createPodDisruptionBudgetCommand(deps: VerbDeps = defaultDeps): Command {
  return addWriteOptions(new Command('poddisruptionbudget'))
    .alias('pdb')
    .description('Create a pod disruption budget with the specified name')
    .usage('NAME --selector=SELECTOR --min-available=N [--dry-run=server|client|none]')
    .argument('<name>', 'name of the pod disruption budget')
    .option('--selector <selector>', 'a label selector to use for this budget; only equality-based selector requirements are supported')
    .option('--min-available <n>', 'the minimum number or percentage of available pods this budget requires')
    .option('--max-unavailable <n>', 'the maximum number or percentage of unavailable pods this budget requires')
    .action(verbAction(deps, (ctx, args, cmd) => runCreatePdb(ctx, args[0] as string, cmd.opts<CreatePdbFlags>())));
}
