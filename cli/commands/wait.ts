import { Command } from 'commander';
import { isApiError } from '../../lib/api/errors.js';
import { toKubeJSON } from '../../lib/api/json.js';
import type { AnyObject } from '../../lib/api/resources.js';
import { duration } from '../../lib/flags.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import type { JsonValue } from '../printers/go-values.js';
import { findResults } from '../printers/jsonpath.js';
import { reportErrors } from '../report.js';
import { objectRef } from '../resource-args.js';
import { addSelectionOptions, resolveTargets, selectionOptions, type SelectionFlags, type Target } from '../targets.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { pollUntil } from '../wait.js';

// kubectl wait: blocks until each named object meets --for (delete, create, condition=NAME[=VALUE]
// or jsonpath='{...}'[=VALUE]) or the timeout passes, then prints "<kind>/<name> condition met".

interface WaitFlags extends SelectionFlags {
  for?: string;
  timeout?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
/** kubectl's --timeout=-1: "a week". */
const WEEK_MS = 7 * 24 * 3_600_000;

/** A parsed --for: how to tell from the live object (undefined when it does not exist) that the wait is over. */
export interface WaitCondition {
  /** Whether the object must exist to be waited on (true for all but delete and create). */
  needsObject: boolean;
  met(object: JsonValue | undefined): boolean;
}

function stripQuotes(text: string): string {
  return text.length >= 2 && /^(['"]).*\1$/.test(text) ? text.slice(1, -1) : text;
}

function conditionMet(name: string, value: string): WaitCondition {
  return {
    needsObject: true,
    met(object) {
      const conditions = ((object as { status?: { conditions?: { type?: string; status?: string }[] } } | undefined)?.status?.conditions ?? []);
      return conditions.some((c) => c.type?.toLowerCase() === name.toLowerCase() && (c.status ?? '').toLowerCase() === value.toLowerCase());
    },
  };
}

function jsonPathMet(template: string, value: string | undefined): WaitCondition {
  if (!/^\{.*\}$/.test(template)) throw new CliError(`unrecognized JSONPath expression "${template}": it must be wrapped in {}`);
  return {
    needsObject: true,
    met(object) {
      if (object === undefined) return false;
      const results = findResults(template, object);
      if (value === undefined) return results.length > 0;
      if (results.length > 1) throw new CliError(`given jsonpath expression matches more than one value`);
      const result = results[0];
      if (result === undefined || (typeof result === 'object' && result !== null)) return false;
      return String(result) === value;
    },
  };
}

export function parseWaitFor(flag: string | undefined): WaitCondition {
  if (!flag) throw new CliError('--for must be specified: delete, create, condition=condition-name, or jsonpath={JSONPath expression}=[value]');
  const lower = flag.toLowerCase();
  if (lower === 'delete') return { needsObject: false, met: (object) => object === undefined };
  if (lower === 'create') return { needsObject: false, met: (object) => object !== undefined };
  if (lower.startsWith('condition=')) {
    const [name = '', value = 'true'] = flag.slice('condition='.length).split('=');
    if (!name) throw new CliError('--for=condition needs a condition name, e.g. --for=condition=Ready');
    return conditionMet(name, value);
  }
  if (lower.startsWith('jsonpath=')) {
    const expression = flag.slice('jsonpath='.length);
    const quote = /^['"]/.test(expression) ? expression[0]! : '';
    const end = quote ? expression.indexOf(quote, 1) + 1 : expression.lastIndexOf('}') + 1;
    const template = stripQuotes(end > 0 ? expression.slice(0, end) : expression);
    const rest = end > 0 ? expression.slice(end) : '';
    if (rest !== '' && !rest.startsWith('=')) throw new CliError(`jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3`);
    return jsonPathMet(template, rest === '' ? undefined : stripQuotes(rest.slice(1)));
  }
  throw new CliError(`unrecognized condition: "${flag}"`);
}

async function waitFor(ctx: CliContext, target: Target, condition: WaitCondition, timeoutMs: number): Promise<void> {
  const resource = (await ctx.client()).resource(target.info.field);
  const live = async (): Promise<JsonValue | undefined> => {
    try {
      return toKubeJSON(target.info, (await resource.get(target.namespace, target.name)) as AnyObject) as JsonValue;
    } catch (err) {
      if (isApiError(err, 'NotFound') && !condition.needsObject) return undefined;
      throw err;
    }
  };
  const met = await pollUntil(async () => condition.met(await live()), timeoutMs);
  if (!met) throw new CliError(`timed out waiting for the condition on ${target.info.resource}/${target.name}`);
  ctx.out(`${objectRef(target.info, target.name)} condition met\n`);
}

async function runWait(ctx: CliContext, args: string[], flags: WaitFlags): Promise<number> {
  const condition = parseWaitFor(flags.for);
  const timeoutMs = flags.timeout === undefined ? DEFAULT_TIMEOUT_MS : flags.timeout < 0 ? WEEK_MS : flags.timeout;
  const { targets, errors, listed } = await resolveTargets(ctx, args, selectionOptions('wait', flags));
  if (listed && targets.length === 0) throw new CliError('no matching resources found');
  for (const target of targets) {
    try {
      await waitFor(ctx, target, condition, timeoutMs);
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

/** Go durations, plus kubectl's -1 for "a week". */
function timeoutFlag(value: string): number {
  return value.trim() === '-1' ? -1 : duration(value);
}

export function waitCommand(deps: VerbDeps = defaultDeps): Command {
  return addSelectionOptions(
    new Command('wait')
      .description('Experimental: Wait for a specific condition on one or many resources')
      .argument('[resources...]', 'TYPE NAME..., TYPE/NAME..., or TYPE with -l/--all')
      .option('--for <condition>', 'delete, create, condition=NAME[=VALUE] or jsonpath={EXPR}[=VALUE]')
      .option('--timeout <duration>', 'how long to wait for each resource (default 30s; -1 waits a week)', timeoutFlag),
    { selector: true, fieldSelector: true, all: true, allNamespaces: true },
  ).action(verbAction(deps, (ctx, args, cmd) => runWait(ctx, args[0] as string[], cmd.opts<WaitFlags>())));
}
