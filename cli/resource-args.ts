import { resolveResourceAlias, resourceByName, type ResourceInfo } from '../lib/api/resources.js';
import { CliError } from './errors.js';

// How kubectl reads the resource arguments of get/describe/delete/label/...: `TYPE[,TYPE...]
// [NAME...]` or `TYPE/NAME...`, with short, singular and plural names and the `all` category.

class UnknownResourceTypeError extends CliError {
  override readonly name = 'UnknownResourceTypeError';

  constructor(readonly type: string) {
    super(`the server doesn't have a resource type "${type}"`);
  }
}

/** One resource type and the names asked for (empty: every object of the type). */
export interface ResourceSelection {
  info: ResourceInfo;
  names: string[];
}

/** kubectl's `all` category, in the order kubectl prints it, restricted to the kinds we serve. */
const ALL_CATEGORY = ['pods', 'replicationcontrollers', 'services', 'daemonsets', 'deployments', 'replicasets', 'statefulsets', 'horizontalpodautoscalers'] as const;

/** Resolves one type as a user types it; `all` is not a type here. */
export function resolveType(type: string): ResourceInfo {
  const info = resolveResourceAlias(type);
  if (!info) throw new UnknownResourceTypeError(type);
  return info;
}

function expandTypes(list: string): ResourceInfo[] {
  const out: ResourceInfo[] = [];
  for (const type of list.split(',')) {
    if (type === '') throw new CliError(`arguments in resource/name form must have a single resource and name`);
    const infos = type.toLowerCase() === 'all' ? ALL_CATEGORY.map((r) => resourceByName(r)!) : [resolveType(type)];
    for (const info of infos) if (!out.includes(info)) out.push(info);
  }
  return out;
}

interface ParseResourceArgsOptions {
  /** The verb, for the "You must specify" message. */
  verb: string;
  /** Whether `all` may be used (get, delete). */
  allowAll?: boolean;
}

/**
 * Parses resource arguments into selections in the order given. `TYPE/NAME` arguments keep their
 * order and group per type; `TYPE1,TYPE2 NAME...` asks each type for every name.
 */
export function parseResourceArgs(args: readonly string[], opts: ParseResourceArgsOptions): ResourceSelection[] {
  if (args.length === 0) {
    throw new CliError(
      `You must specify the type of resource to ${opts.verb}. Use "kubets api-resources" for a complete list of supported resources.`,
    );
  }
  if (args.some((a) => a.includes('/'))) {
    const selections: ResourceSelection[] = [];
    for (const arg of args) {
      const slash = arg.indexOf('/');
      if (slash < 0) {
        throw new CliError(
          `there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubets ${opts.verb} resource/<resource_name>' instead of 'kubets ${opts.verb} resource resource/<resource_name>'`,
        );
      }
      const type = arg.slice(0, slash);
      const name = arg.slice(slash + 1);
      if (!type || !name || name.includes('/') || type.includes(',')) {
        throw new CliError(`arguments in resource/name form must have a single resource and name`);
      }
      const info = resolveType(type);
      const existing = selections.find((s) => s.info === info);
      if (existing) existing.names.push(name);
      else selections.push({ info, names: [name] });
    }
    return selections;
  }
  const [types, ...names] = args;
  if (!opts.allowAll && types!.split(',').some((t) => t.toLowerCase() === 'all')) throw new UnknownResourceTypeError('all');
  return expandTypes(types!).map((info) => ({ info, names: [...names] }));
}

/** `replicationcontroller/mysql`, `deployment.apps/web`: how kubectl names an object in messages and `-o name`. */
export function objectRef(info: ResourceInfo, name: string): string {
  return `${qualifiedSingular(info)}/${name}`;
}

/** `replicationcontroller "mysql"`, `deployment.apps "web"`: kubectl's delete and error wording. */
export function quotedRef(info: ResourceInfo, name: string): string {
  return `${qualifiedSingular(info)} "${name}"`;
}

function qualifiedSingular(info: ResourceInfo): string {
  return info.group ? `${info.singular}.${info.group}` : info.singular;
}

/** `deployments.apps`: the qualified plural kubectl uses in some errors. */
export function qualifiedResource(info: ResourceInfo): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}
