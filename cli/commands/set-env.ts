import type { Command } from 'commander';
import type { Container, EnvVar } from '../../lib/api/generated/index.js';
import type { AnyObject } from '../../lib/api/resources.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { boolFlag, collectWhole } from '../../lib/flags.js';
import { reportErrors } from '../report.js';
import { resolveType } from '../resource-args.js';
import { resolveTargets, selectionOptions, type Target } from '../targets.js';
import { verbAction, type VerbDeps } from '../verb.js';
import { containersMatching, podSpecToSet, runSet, setSubcommand, splitChanges, type SetFlags } from './set.js';

// kubectl set env: KEY=VALUE sets, KEY- removes, --from=configmap/NAME or secret/NAME adds one
// variable per key (referring to it, never copying the value), --list prints what containers have.

interface SetEnvFlags extends SetFlags {
  env: string[];
  containers: string;
  from?: string;
  prefix: string;
  keys: string[];
  list?: boolean;
  overwrite: boolean;
}

interface EnvChanges {
  set: EnvVar[];
  remove: string[];
}

// Kubernetes' rule for a variable's name (IsEnvVarName).
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const ENV_NAME_RULE =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

const isEnvChange = (arg: string) => arg.includes('=') || (arg.endsWith('-') && !arg.includes('/'));

export function parseEnvChanges(args: readonly string[]): EnvChanges {
  const changes: EnvChanges = { set: [], remove: [] };
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0 && arg.endsWith('-')) {
      changes.remove.push(arg.slice(0, -1));
      continue;
    }
    if (eq < 0) throw new CliError(`environment variables must be of the form key=value and can only contain letters, numbers, and underscores`);
    const name = arg.slice(0, eq);
    if (!ENV_NAME.test(name)) throw new CliError(`${JSON.stringify(name)} is not a valid key name: ${ENV_NAME_RULE}`);
    changes.set.push({ name, value: arg.slice(eq + 1) });
  }
  return changes;
}

/** A ConfigMap's or Secret's key as a variable name: what is not a letter, digit or `_` becomes `_`, all upper case. */
function envNameOfKey(key: string): string {
  return key.replace(/[^A-Za-z0-9_]/g, '_').toUpperCase();
}

/** One variable per key of the --from ConfigMap or Secret (only --keys, when given), each referring to its key. */
async function variablesFrom(ctx: CliContext, flags: SetEnvFlags): Promise<EnvVar[]> {
  if (!flags.from) return [];
  const slash = flags.from.indexOf('/');
  const info = slash > 0 ? resolveType(flags.from.slice(0, slash)) : undefined;
  if (!info || (info.field !== 'configMap' && info.field !== 'secret')) throw new CliError(`--from must be configmap/NAME or secret/NAME, not "${flags.from}"`);
  const name = flags.from.slice(slash + 1);
  const source = await (await ctx.client()).resource(info.field).get(await ctx.namespace(), name);
  const keys = Object.keys({ ...(source as { data?: object }).data, ...(source as { binaryData?: object }).binaryData }).sort();
  const ref = info.field === 'configMap' ? 'configMapKeyRef' : 'secretKeyRef';
  return keys
    .filter((key) => flags.keys.length === 0 || flags.keys.includes(key))
    .map((key) => {
      const envName = envNameOfKey(key);
      if (envName !== key) ctx.err(`Warning: key ${key} transferred to ${envName}\n`);
      return { name: flags.prefix + envName, valueFrom: { [ref]: { name, key } } };
    });
}

/** Applies the changes to one container; returns whether anything differs. */
function changeContainer(container: Container, changes: EnvChanges, overwrite: boolean, target: Target): boolean {
  const before = JSON.stringify(container.env ?? []);
  let env = (container.env ?? []).filter((e) => !changes.remove.includes(e.name ?? ''));
  for (const variable of changes.set) {
    const at = env.findIndex((e) => e.name === variable.name);
    if (at < 0) env = [...env, variable];
    else if (!overwrite) throw new CliError(`${target.info.resource}/${target.name} '${variable.name}' already has a value (${env[at]!.value ?? ''}), and --overwrite is false`);
    else env = env.map((e, i) => (i === at ? variable : e));
  }
  container.env = env;
  return JSON.stringify(env) !== before;
}

function describeVariable(variable: EnvVar): string {
  const from = variable.valueFrom;
  if (!from) return `${variable.name}=${variable.value ?? ''}`;
  if (from.configMapKeyRef) return `# ${variable.name} from configmap ${from.configMapKeyRef.name}, key ${from.configMapKeyRef.key}`;
  if (from.secretKeyRef) return `# ${variable.name} from secret ${from.secretKeyRef.name}, key ${from.secretKeyRef.key}`;
  if (from.fieldRef) return `# ${variable.name} from field path ${from.fieldRef.fieldPath}`;
  return `# ${variable.name} from a resource field`;
}

/** --list: each matching container's variables, as kubectl prints them. */
async function listEnv(ctx: CliContext, resources: string[], flags: SetEnvFlags): Promise<number> {
  const { targets, errors } = await resolveTargets(ctx, resources, selectionOptions('set env', flags));
  const client = targets.length > 0 ? await ctx.client() : undefined;
  for (const target of targets) {
    try {
      const object: AnyObject = target.object ?? (await client!.resource(target.info.field).get(target.namespace, target.name));
      for (const container of containersMatching(podSpecToSet(object, target), flags.containers)) {
        ctx.out(`# ${target.info.kind} ${target.name}, container ${container.name}\n`);
        for (const variable of container.env ?? []) ctx.out(`${describeVariable(variable)}\n`);
      }
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

async function runSetEnv(ctx: CliContext, args: string[], flags: SetEnvFlags): Promise<number> {
  const { resources, changes: changeArgs } = splitChanges(args, isEnvChange, 'environment');
  if (flags.list) return listEnv(ctx, resources, flags);
  const changes = parseEnvChanges([...changeArgs, ...flags.env]);
  changes.set.push(...(await variablesFrom(ctx, flags)));
  return runSet(ctx, resources, flags, 'set env', 'env updated', (object: AnyObject, target: Target) => {
    const containers = containersMatching(podSpecToSet(object, target), flags.containers);
    if (containers.length === 0) ctx.err(`Warning: ${target.info.kind}/${target.name} does not have any containers matching "${flags.containers}"\n`);
    return containers.map((c) => changeContainer(c, changes, flags.overwrite, target)).some(Boolean);
  });
}

export function setEnvCommand(deps: VerbDeps): Command {
  return setSubcommand('env', 'Update environment variables on a pod template', 'TYPE NAME KEY_1=VAL_1 ... KEY_N=VAL_N (KEY- removes)', { selector: true, all: true })
    .option('-e, --env <KEY=VALUE>', 'a variable to set; repeatable', collectWhole, [])
    .option('-c, --containers <pattern>', 'the names of the containers to change (wildcards * and ?)', '*')
    .option('--from <resource>', 'configmap/NAME or secret/NAME: one variable per key, referring to it')
    .option('--prefix <prefix>', 'with --from: put this before each variable name', '')
    .option('--keys <key>', 'with --from: only these keys; repeatable', collectWhole, [])
    .option('--list', 'print the variables of each container instead of changing them')
    .addOption(boolFlag('--overwrite', 'replace variables that already have a value (--overwrite=false to refuse)', true))
    .action(verbAction(deps, (ctx, args, cmd) => runSetEnv(ctx, args[0] as string[], cmd.opts<SetEnvFlags>())));
}
