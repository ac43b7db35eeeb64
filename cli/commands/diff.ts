import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { AnyObject, ResourceInfo } from '../../lib/api/resources.js';
import { collectWhole } from '../../lib/flags.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { loadManifests } from '../manifests.js';
import { formatYAML, kubeDocument } from '../printers/output.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { addKustomizeOption, refuseKustomize, type KustomizeFlags } from '../kustomize.js';
import { applyManifest } from './apply.js';

// kubectl diff: what `apply` would change, as a server dry run of the apply shows it: the live
// objects and the would-be objects written as YAML into two folders, compared by `diff -u -N` (or
// the program in KUBECTL_EXTERNAL_DIFF). Exit 0 without differences, 1 with them, above 1 on failure.

interface DiffFlags extends KustomizeFlags {
  filename: string[];
  recursive?: boolean;
}

/** Fields the server changes on every write; showing them would make every apply look like a change. */
function comparable(info: ResourceInfo, object: AnyObject | undefined): string {
  if (!object) return '';
  const document = kubeDocument(info, [object], true) as { metadata?: Record<string, unknown> };
  if (document.metadata) {
    delete document.metadata.resourceVersion;
    delete document.metadata.generation;
    delete document.metadata.managedFields;
  }
  return formatYAML(document as never);
}

function runDiffProgram(ctx: CliContext, live: string, merged: string): Promise<number> {
  const external = ctx.io.env.KUBECTL_EXTERNAL_DIFF?.trim();
  const [command, ...args] = external ? external.split(/\s+/) : ['diff', '-u', '-N'];
  return new Promise((resolve, reject) => {
    const child = spawn(command!, [...args, live, merged], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => ctx.out(d.toString()));
    child.stderr.on('data', (d: Buffer) => ctx.err(d.toString()));
    child.on('error', (err) => reject(new CliError(`failed to run "${command}": ${err.message}`)));
    child.on('close', (code) => resolve(code ?? 2));
  });
}

async function runDiff(ctx: CliContext, flags: DiffFlags): Promise<number> {
  refuseKustomize(flags);
  if (flags.filename.length === 0) throw new CliError('must provide one or more resources with -f');
  const { manifests, errors } = await loadManifests(flags.filename, {
    stdin: ctx.io.stdin,
    recursive: flags.recursive ?? false,
    namespace: await ctx.namespace(),
    namespaceExplicit: ctx.namespaceExplicit,
    verb: 'diff',
  });
  if (errors.length > 0) throw errors[0];
  const client = await ctx.client();
  const dir = await mkdtemp(join(tmpdir(), 'kubets-diff-'));
  try {
    const liveDir = join(dir, 'LIVE');
    const mergedDir = join(dir, 'MERGED');
    await Promise.all([mkdir(liveDir), mkdir(mergedDir)]);
    for (const manifest of manifests) {
      const { live, applied } = await applyManifest(client, manifest, () => undefined, 'server');
      const { info } = manifest;
      // kubectl's file names: group.version.Kind.namespace.name
      const file = [info.apiVersion.replace('/', '.'), info.kind, applied.metadata?.namespace ?? '', applied.metadata?.name ?? ''].filter(Boolean).join('.');
      await writeFile(join(liveDir, file), comparable(info, live));
      await writeFile(join(mergedDir, file), comparable(info, applied));
    }
    const code = await runDiffProgram(ctx, liveDir, mergedDir);
    if (code > 1) throw new CliError(`diff exited with status ${code}`);
    return code;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function diffCommand(deps: VerbDeps = defaultDeps): Command {
  const command = new Command('diff')
    .description('Diff the live version against a would-be applied version')
    .option('-f, --filename <file>', 'file, directory or - (stdin) with the configuration; repeatable', collectWhole, [])
    .option('-R, --recursive', 'process directories under the -f directories too');
  return addKustomizeOption(command).action(verbAction(deps, (ctx, _args, cmd) => runDiff(ctx, cmd.opts<DiffFlags>())));
}
