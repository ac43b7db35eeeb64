import { Command } from 'commander';
import type { CertificateSigningRequest } from '../../lib/api/generated/index.js';
import { formatTime } from '../../lib/client/api-time.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { reportErrors } from '../report.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// kubectl certificate approve|deny: the decision on CertificateSigningRequests, written through
// their approval subresource with kubectl's reasons. A decision is never taken back; approving
// twice (or denying twice) changes nothing.

type Decision = 'Approved' | 'Denied';
const WORDING: Record<Decision, { verb: string; reason: string; message: string; done: string }> = {
  Approved: { verb: 'approve', reason: 'KubectlApprove', message: 'This CSR was approved by kubectl certificate approve.', done: 'approved' },
  Denied: { verb: 'deny', reason: 'KubectlDeny', message: 'This CSR was denied by kubectl certificate deny.', done: 'denied' },
};

/** The request with the decision added, unchanged when it already carries it; an error when it carries the other one (unless forced). */
export function decide(csr: CertificateSigningRequest, decision: Decision, force: boolean): CertificateSigningRequest | undefined {
  const conditions = csr.status?.conditions ?? [];
  if (conditions.some((c) => c.type === decision)) return undefined;
  const other = decision === 'Approved' ? 'Denied' : 'Approved';
  if (conditions.some((c) => c.type === other) && !force) throw new CliError(`certificate signing request "${csr.metadata?.name}" is already ${WORDING[other].done}`);
  const w = WORDING[decision];
  const now = formatTime();
  const condition = { type: decision, status: 'True', reason: w.reason, message: w.message, lastUpdateTime: now, lastTransitionTime: now };
  return { ...csr, status: { ...csr.status, conditions: [...conditions, condition] } };
}

async function run(ctx: CliContext, names: string[], decision: Decision, force: boolean): Promise<number> {
  if (names.length === 0) throw new CliError(`error: one or more CSRs must be specified as <name> or -f <filename>`);
  const csrs = (await ctx.client()).resource('certificateSigningRequest');
  const errors: unknown[] = [];
  for (const name of names) {
    try {
      const changed = decide(await csrs.get('', name), decision, force);
      if (changed) await csrs.updateApproval(changed);
      ctx.out(`certificatesigningrequest.certificates.k8s.io/${name} ${WORDING[decision].done}\n`);
    } catch (err) {
      errors.push(err);
    }
  }
  return reportErrors(ctx, errors);
}

function decisionCommand(decision: Decision, deps: VerbDeps): Command {
  const w = WORDING[decision];
  return new Command(w.verb)
    .description(`${w.verb === 'approve' ? 'Approve' : 'Deny'} certificate signing requests`)
    .argument('[names...]', 'CertificateSigningRequest names')
    .option('--force', `${w.verb} even if the request already carries the other decision`)
    .action(verbAction(deps, (ctx, args, cmd) => run(ctx, args[0] as string[], decision, Boolean(cmd.opts<{ force?: boolean }>().force))));
}

export function certificateCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('certificate')
    .description('Modify certificate resources')
    .addCommand(decisionCommand('Approved', deps))
    .addCommand(decisionCommand('Denied', deps));
}
