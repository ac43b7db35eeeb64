import { Command } from 'commander';
import type { HorizontalPodAutoscaler } from '../../lib/api/generated/index.js';
import { resourceByField } from '../../lib/api/resources.js';
import type { CliContext } from '../context.js';
import { CliError, SourcedApiError } from '../errors.js';
import { collectWhole, integer } from '../../lib/flags.js';
import { isApiError } from '../../lib/api/errors.js';
import { reportErrors } from '../report.js';
import { submitGenerated } from '../submit-generated.js';
import { resolveTargets } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { addWriteOptions, type WriteFlags } from '../write-output.js';

interface AutoscaleFlags extends WriteFlags {
  min: number;
  max: number;
  cpuPercent: number;
  name?: string;
  filename: string[];
}

const HPA = resourceByField('horizontalPodAutoscaler');

function validateBounds(flags: Pick<AutoscaleFlags, 'min' | 'max'>): void {
  if (flags.max < 1 || (flags.min > 0 && flags.max < flags.min)) {
    throw new CliError('--max=MAXPODS is required and must be at least 1, max < min');
  }
}

/** The autoscaling/v2 HorizontalPodAutoscaler `kubectl autoscale` creates for a scalable object (no --cpu-percent: the server's 80% default). */
function buildAutoscaler(
  target: { kind: string; apiVersion: string; name: string; namespace: string },
  flags: Pick<AutoscaleFlags, 'min' | 'max' | 'cpuPercent' | 'name'>,
): HorizontalPodAutoscaler {
  validateBounds(flags);
  const hpa: HorizontalPodAutoscaler = {
    metadata: { name: flags.name || target.name, namespace: target.namespace },
    spec: { scaleTargetRef: { apiVersion: target.apiVersion, kind: target.kind, name: target.name }, maxReplicas: flags.max },
  };
  if (flags.min > 0) hpa.spec!.minReplicas = flags.min;
  if (flags.cpuPercent >= 0) hpa.spec!.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: flags.cpuPercent } } }];
  return hpa;
}

async function runAutoscale(ctx: CliContext, args: string[], flags: AutoscaleFlags): Promise<number> {
  validateBounds(flags);
  const { targets, errors } = await resolveTargets(ctx, args, { verb: 'autoscale', filename: flags.filename });
  const client = targets.length > 0 ? await ctx.client() : undefined;
  for (const target of targets) {
    try {
      if (!target.info.hasScale) {
        throw new CliError(`cannot autoscale a ${target.info.kind}: only replicationcontrollers, replicasets and deployments can be autoscaled`);
      }
      await client!.resource(target.info.field).get(target.namespace, target.name);
      const hpa = buildAutoscaler({ kind: target.info.kind, apiVersion: target.info.apiVersion, name: target.name, namespace: target.namespace }, flags);
      // kubectl says "autoscaled", except in a dry run, where it says "created".
      await submitGenerated(ctx, HPA, hpa, flags, { done: flags.dryRun === 'none' ? 'autoscaled' : 'created' });
    } catch (err) {
      errors.push(isApiError(err) && target.source ? new SourcedApiError(err, 'autoscaling', target.source) : err);
    }
  }
  return reportErrors(ctx, errors);
}

export function autoscaleCommand(deps: VerbDeps = defaultDeps): Command {
  return addWriteOptions(new Command('autoscale'))
    .description('Create a HorizontalPodAutoscaler for a replication controller, replica set or deployment')
    .argument('[resources...]', 'TYPE NAME or TYPE/NAME')
    .option('--min <pods>', 'lower limit for the number of pods (default: server default, 1)', integer, -1)
    .option('--max <pods>', 'upper limit for the number of pods (required)', integer, -1)
    .option('--cpu-percent <percent>', 'target average CPU utilization over all pods, in percent of the request', integer, -1)
    .option('--name <name>', 'name of the autoscaler (default: the name of the scaled resource)')
    .option('-f, --filename <file>', 'file naming the resource to autoscale; repeatable', collectWhole, [])
    .action(verbAction(deps, (ctx, args, cmd) => runAutoscale(ctx, args[0] as string[], cmd.opts<AutoscaleFlags>())));
}
