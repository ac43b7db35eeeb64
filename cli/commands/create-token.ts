import { Command } from 'commander';
import type { ServiceAccount, TokenRequest } from '../../lib/api/generated/index.js';
import { resourceByField } from '../../lib/api/resources.js';
import { collectWhole, duration } from '../../lib/flags.js';
import { CliError } from '../errors.js';
import { submitGenerated } from '../submit-generated.js';
import { addWriteOptions, type WriteFlags } from '../write-output.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// kubectl create serviceaccount NAME, and kubectl create token SA: a token from the TokenRequest
// API (serviceaccounts/token), printed alone on stdout for scripts.

interface TokenFlags {
  audience: string[];
  duration?: number;
  boundObjectKind?: string;
  boundObjectName?: string;
  boundObjectUid?: string;
}

function nameArg(args: unknown[], what: string): string {
  const name = args[0] as string | undefined;
  if (!name) throw new CliError(`${what} is required`);
  return name;
}

export function createServiceAccountCommand(deps: VerbDeps = defaultDeps): Command {
  return addWriteOptions(new Command('serviceaccount').alias('sa').description('Create a service account with the specified name').argument('[name]')).action(
    verbAction(deps, async (ctx, args, cmd) => {
      const sa: ServiceAccount = { metadata: { name: nameArg(args, 'NAME') } };
      await submitGenerated(ctx, resourceByField('serviceAccount'), sa, cmd.opts<WriteFlags>());
    }),
  );
}

/** The TokenRequest the flags describe, with kubectl's checks of them. */
export function tokenRequestFromFlags(flags: TokenFlags): TokenRequest {
  const spec: NonNullable<TokenRequest['spec']> = { audiences: flags.audience.filter((a) => a !== '') };
  if (flags.audience.some((a) => a === '')) throw new CliError('--audience must not be an empty string');
  if (flags.duration !== undefined) {
    if (flags.duration < 0) throw new CliError('--duration must be greater than or equal to 0');
    if (flags.duration % 1000 !== 0) throw new CliError('--duration cannot be expressed in units less than seconds');
    if (flags.duration > 0) spec.expirationSeconds = flags.duration / 1000;
  }
  if (flags.boundObjectKind) {
    if (flags.boundObjectKind !== 'Pod' && flags.boundObjectKind !== 'Secret') throw new CliError(`supported --bound-object-kind values are Pod, Secret`);
    if (!flags.boundObjectName) throw new CliError('--bound-object-name is required if --bound-object-kind is provided');
    spec.boundObjectRef = { kind: flags.boundObjectKind, apiVersion: 'v1', name: flags.boundObjectName, uid: flags.boundObjectUid ?? '' };
  } else if (flags.boundObjectName || flags.boundObjectUid) {
    throw new CliError('--bound-object-name and --bound-object-uid can only be set if --bound-object-kind is provided');
  }
  return { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec };
}

export function createTokenCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('token')
    .description('Request a service account token')
    .argument('[serviceaccount]')
    .option('--audience <audience>', 'intended audience of the token; repeatable (default: the API server audiences)', collectWhole, [])
    .option('--duration <duration>', 'requested lifetime of the token, e.g. 10m or 1h (default: the server default, 1h)', duration)
    .option('--bound-object-kind <kind>', 'kind of an object to bind the token to (Pod, Secret)')
    .option('--bound-object-name <name>', 'name of the object to bind the token to')
    .option('--bound-object-uid <uid>', 'uid of the object to bind the token to')
    .action(
      verbAction(deps, async (ctx, args, cmd) => {
        const name = nameArg(args, 'SERVICE_ACCOUNT_NAME');
        const request = tokenRequestFromFlags(cmd.opts<TokenFlags>());
        const client = await ctx.client();
        const created = await client.createToken(await ctx.namespace(), name, request);
        ctx.out(`${created.status?.token ?? ''}\n`);
      }),
    );
}
