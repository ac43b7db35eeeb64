import { Command } from 'commander';
import type { SubjectAccessReviewSpec } from '../../lib/api/generated/index.js';
import { resolveResourceAlias } from '../../lib/api/resources.js';
import { rulesTable } from '../auth/rules-table.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

interface CanIFlags {
  allNamespaces?: boolean;
  list?: boolean;
  quiet?: boolean;
  subresource?: string;
  /** false with --no-headers. */
  headers?: boolean;
}

/** `TYPE[/NAME]` or `TYPE NAME` as kubectl takes them; `*` stands for every resource in every group. */
function resourceSpec(ctx: CliContext, type: string, name: string | undefined): { group: string; resource: string; name: string } {
  const slash = type.indexOf('/');
  const typeName = slash < 0 ? type : type.slice(0, slash);
  const resourceName = slash < 0 ? (name ?? '') : type.slice(slash + 1);
  if (typeName === '*') return { group: '*', resource: '*', name: resourceName };
  const info = resolveResourceAlias(typeName);
  if (info) return { group: info.group, resource: info.resource, name: resourceName };
  ctx.err(`Warning: the server doesn't have a resource type '${typeName}'\n`);
  return { group: '', resource: typeName, name: resourceName };
}

async function canI(ctx: CliContext, args: string[], flags: CanIFlags): Promise<number> {
  const client = await ctx.client();
  const namespace = flags.allNamespaces ? '' : await ctx.namespace();
  if (flags.list) {
    if (args.length > 0) throw new CliError('error: list option must be specified with no arguments');
    const review = await client.selfSubjectRulesReview({ spec: { namespace } });
    const status = review.status ?? {};
    if (status.incomplete) ctx.err(`warning: the list may be incomplete: ${status.evaluationError ?? ''}\n`);
    ctx.out(rulesTable({ resourceRules: status.resourceRules ?? [], nonResourceRules: status.nonResourceRules ?? [] }, flags.headers === false));
    return 0;
  }
  const [verb, target, name] = args;
  if (!verb || !target) throw new CliError('error: you must specify two arguments: verb resource or verb resourcename.');
  let spec: SubjectAccessReviewSpec;
  if (target.startsWith('/')) {
    spec = { nonResourceAttributes: { verb, path: target } };
  } else {
    const r = resourceSpec(ctx, target, name);
    spec = { resourceAttributes: { namespace, verb, group: r.group, resource: r.resource, subresource: flags.subresource ?? '', name: r.name } };
  }
  const status = (await client.selfSubjectAccessReview({ spec })).status ?? {};
  if (!flags.quiet) {
    if (status.allowed) ctx.out('yes\n');
    else ctx.out(`no${status.reason ? ` - ${status.reason}` : ''}${status.evaluationError ? ` - ${status.evaluationError}` : ''}\n`);
  }
  return status.allowed ? 0 : 1;
}

/** `kubets auth can-i`: kubectl's check of what the current user (or whom --as names) may do. */
export function authCommand(deps: VerbDeps = defaultDeps): Command {
  const auth = new Command('auth').description('Inspect authorization');
  auth.addCommand(
    new Command('can-i')
      .description('Check whether an action is allowed: kubets auth can-i VERB [TYPE | TYPE/NAME | NONRESOURCEURL]')
      .argument('[args...]', 'VERB TYPE [NAME], or VERB NONRESOURCEURL')
      .option('-A, --all-namespaces', 'check the action in all namespaces')
      .option('--list', 'list every action allowed in the namespace')
      .option('-q, --quiet', 'print nothing; the exit code tells (0 allowed, 1 not)')
      .option('--subresource <name>', 'the subresource, such as pod/log or deployment/scale')
      .option('--no-headers', 'with --list, print no header row')
      .action(verbAction(deps, (ctx, args, cmd) => canI(ctx, (args[0] as string[]) ?? [], cmd.opts<CanIFlags>()))),
  );
  return auth;
}
