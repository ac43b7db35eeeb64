import { Command } from 'commander';
import { isApiError } from '../../lib/api/errors.js';
import type { Secret } from '../../lib/api/generated/index.js';
import {
  BOOTSTRAP_TOKEN_NAMESPACE,
  BOOTSTRAP_TOKEN_SECRET_PREFIX,
  BOOTSTRAP_TOKEN_SECRET_TYPE,
  bootstrapTokenSecretData,
  bootstrapTokenSecretName,
  DEFAULT_NODE_TOKEN_GROUP,
  extraGroups,
  formatBootstrapToken,
  generateBootstrapToken,
  isBootstrapTokenId,
  isExtraGroup,
  parseBootstrapToken,
  secretText,
  tokenExpiry,
} from '../../lib/auth/bootstrap-token.js';
import { caCertHash } from '../../lib/certs/index.js';
import { duration } from '../../lib/flags.js';
import { humanDuration } from '../../lib/printers/duration.js';
import { renderTable } from '../../lib/printers/table.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// kubeadm's token commands: bootstrap tokens for joining nodes, kept as Secrets in kube-system.

interface CreateFlags {
  ttl: number;
  description?: string;
  groups: string[];
  printJoinCommand?: boolean;
}

const DEFAULT_TTL_MS = 24 * 3_600_000;
const DEFAULT_GROUPS = [DEFAULT_NODE_TOKEN_GROUP];

/** The command a node runs to join, as `kubeadm token create --print-join-command` prints it. */
export function joinCommandLine(server: string, token: string, caPem: string): string {
  return `kubets join ${server} --token ${token} --ca-cert-hash ${caCertHash(caPem)}`;
}

async function create(ctx: CliContext, flags: CreateFlags): Promise<void> {
  const bad = flags.groups.find((g) => !isExtraGroup(g));
  if (bad !== undefined) throw new CliError(`--groups: "${bad}" must start with system:bootstrappers: and contain only [a-z0-9:-]`);
  const token = generateBootstrapToken();
  const data = bootstrapTokenSecretData(token, {
    ...(flags.ttl > 0 && { expiresAt: new Date(Date.now() + flags.ttl) }),
    ...(flags.description && { description: flags.description }),
    groups: flags.groups,
  });
  const secret: Secret = { metadata: { name: bootstrapTokenSecretName(token.id), namespace: BOOTSTRAP_TOKEN_NAMESPACE }, type: BOOTSTRAP_TOKEN_SECRET_TYPE, stringData: data };
  await (await ctx.client()).resource('secret').create(secret);
  const text = formatBootstrapToken(token);
  if (!flags.printJoinCommand) {
    ctx.out(`${text}\n`);
    return;
  }
  const settings = await ctx.settings();
  ctx.out(`${joinCommandLine(settings.servers[0] ?? '', text, settings.caPem)}\n`);
}

/** kubeadm token list's rows: the token, its time left, expiry, usages, description and extra groups. */
export function tokenRows(secrets: readonly Secret[], now: number): string[][] {
  return secrets
    .filter((s) => s.type === BOOTSTRAP_TOKEN_SECRET_TYPE && s.metadata?.name?.startsWith(BOOTSTRAP_TOKEN_SECRET_PREFIX))
    .map((s) => {
      const data = secretText(s);
      const expiry = tokenExpiry(data);
      const ttl = expiry === undefined ? '<forever>' : Number.isNaN(expiry) ? '<invalid>' : expiry <= now ? '<invalid>' : humanDuration(expiry - now);
      const usages = ['authentication', 'signing'].filter((u) => data[`usage-bootstrap-${u}`] === 'true').join(',');
      return [`${data['token-id'] ?? ''}.${data['token-secret'] ?? ''}`, ttl, data.expiration ?? '<never>', usages || '<none>', data.description ?? '<none>', extraGroups(data).groups.join(',') || '<none>'];
    });
}

async function list(ctx: CliContext): Promise<void> {
  const { items } = await (await ctx.client()).resource('secret').listAll(BOOTSTRAP_TOKEN_NAMESPACE, { fieldSelector: `type=${BOOTSTRAP_TOKEN_SECRET_TYPE}` });
  const columns = ['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'].map((name) => ({ name }));
  ctx.out(renderTable(columns, tokenRows(items, Date.now()).map((cells) => ({ cells }))));
}

async function remove(ctx: CliContext, tokens: string[]): Promise<void> {
  if (tokens.length === 0) throw new CliError('missing argument; "token delete" is missing token of form "[a-z0-9]{6}" or "[a-z0-9]{6}.[a-z0-9]{16}"');
  const secrets = (await ctx.client()).resource('secret');
  for (const arg of tokens) {
    const id = parseBootstrapToken(arg)?.id ?? (isBootstrapTokenId(arg) ? arg : undefined);
    if (!id) throw new CliError(`given token didn't match pattern "[a-z0-9]{6}" or "[a-z0-9]{6}.[a-z0-9]{16}"`);
    try {
      await secrets.delete(BOOTSTRAP_TOKEN_NAMESPACE, bootstrapTokenSecretName(id));
    } catch (err) {
      if (isApiError(err, 'NotFound')) throw new CliError(`bootstrap token "${id}" not found`);
      throw err;
    }
    ctx.out(`bootstrap token "${id}" deleted\n`);
  }
}

export function tokenCommand(deps: VerbDeps = defaultDeps): Command {
  const commaList = (value: string, previous: string[] | undefined): string[] => [...(previous === DEFAULT_GROUPS ? [] : (previous ?? [])), ...value.split(',').map((g) => g.trim()).filter(Boolean)];
  return new Command('token')
    .description('Manage bootstrap tokens for joining nodes')
    .addCommand(
      new Command('create')
        .description('Create a bootstrap token on the server')
        .option('--ttl <duration>', 'how long the token is valid (0: never expires)', duration, DEFAULT_TTL_MS)
        .option('--description <text>', 'a human-friendly description of what the token is for')
        .option('--groups <groups>', 'extra groups the token authenticates in (comma-separated)', commaList, DEFAULT_GROUPS)
        .option('--print-join-command', 'print the whole kubets join command instead of the token alone')
        .action(verbAction(deps, (ctx, _args, cmd) => create(ctx, cmd.opts<CreateFlags>()))),
    )
    .addCommand(new Command('list').description('List bootstrap tokens on the server').action(verbAction(deps, (ctx) => list(ctx))))
    .addCommand(
      new Command('delete')
        .description('Delete bootstrap tokens on the server')
        .argument('[tokens...]', 'token IDs or whole tokens')
        .action(verbAction(deps, (ctx, args) => remove(ctx, args[0] as string[]))),
    );
}

