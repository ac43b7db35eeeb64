import type { Command } from 'commander';
import type { Service } from '../../lib/api/generated/index.js';
import { QuantityError, parseQuantity } from '../../lib/quantity.js';
import { CliError } from '../errors.js';
import { keyValues } from '../key-values.js';
import { verbAction, type VerbDeps } from '../verb.js';
import { containersMatching, podSpecToSet, runSet, setSubcommand, splitChanges, type SetFlags } from './set.js';

// kubectl set resources (the requests and limits of containers in a pod template) and set selector
// (a Service's whole selector, replaced).

interface SetResourcesFlags extends SetFlags {
  containers: string;
  limits?: string;
  requests?: string;
}

/** `cpu=200m,memory=512Mi` into a resource list, every quantity checked as Kubernetes parses it. */
function resourceList(flag: string | undefined): Record<string, string> {
  if (!flag) return {};
  const list = keyValues(flag.split(','), 'resource');
  for (const value of Object.values(list)) {
    try {
      parseQuantity(value);
    } catch (err) {
      if (err instanceof QuantityError) throw new CliError(err.message);
      throw err;
    }
  }
  return list;
}

export function setResourcesCommand(deps: VerbDeps): Command {
  return setSubcommand('resources', 'Update resource requests/limits on objects with pod templates', 'TYPE NAME...', { selector: true, all: true })
    .option('-c, --containers <pattern>', 'the names of the containers to change (wildcards * and ?)', '*')
    .option('--limits <list>', 'the resource limits, e.g. cpu=200m,memory=512Mi')
    .option('--requests <list>', 'the resource requests, e.g. cpu=100m,memory=256Mi')
    .action(
      verbAction(deps, (ctx, args, cmd) => {
        const flags = cmd.opts<SetResourcesFlags>();
        const limits = resourceList(flags.limits);
        const requests = resourceList(flags.requests);
        if (Object.keys(limits).length === 0 && Object.keys(requests).length === 0) {
          throw new CliError('you must specify an update to requests or limits (in the form of --requests/--limits)');
        }
        return runSet(ctx, args[0] as string[], flags, 'set resources', 'resource requirements updated', (object, target) => {
          const containers = containersMatching(podSpecToSet(object, target), flags.containers);
          if (containers.length === 0) throw new CliError(`unable to find container named ${flags.containers}`);
          const before = JSON.stringify(containers.map((c) => c.resources));
          for (const c of containers) {
            c.resources = { ...c.resources, limits: { ...c.resources?.limits, ...limits }, requests: { ...c.resources?.requests, ...requests } };
          }
          return JSON.stringify(containers.map((c) => c.resources)) !== before;
        });
      }),
    );
}

export function setSelectorCommand(deps: VerbDeps): Command {
  return setSubcommand('selector', 'Set the selector on a resource', 'TYPE NAME... EXPRESSIONS (key=value,...)', { all: true })
    .option('--resource-version <version>', 'only update if the resource is at this version')
    .action(
      verbAction(deps, (ctx, args, cmd) => {
        const { resources, changes } = splitChanges(args[0] as string[], (arg) => arg.includes('='), 'selector');
        if (changes.length !== 1) throw new CliError('one selector expression is required, for example app=web,tier=front');
        const selector = keyValues(changes[0]!.split(','), 'selector');
        return runSet(ctx, resources, cmd.opts<SetFlags>(), 'set selector', 'selector updated', (object, target) => {
          if (target.info.field !== 'service') throw new CliError('setting a selector is only supported for Services');
          const spec = ((object as Service).spec ??= {});
          const changed = JSON.stringify(spec.selector ?? {}) !== JSON.stringify(selector);
          spec.selector = selector;
          return changed;
        });
      }),
    );
}

