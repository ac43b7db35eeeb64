import type { AnyObject, ResourceInfo } from '../lib/api/resources.js';
import type { CliContext } from './context.js';
import { dryRunSuffix, parseDryRun, type DryRun } from './dry-run.js';
import { parseOutputFormat, printObjects, withoutManagedFields, WRITE_OUTPUT_FORMATS, type OutputFormat } from './printers/output.js';
import { objectRef } from './resource-args.js';

// What every kubectl write verb does after a write: print "<kind>/<name> <done>" (with " (dry run)"
// or " (server dry run)"), or, with -o, the object as the server answered it (as built here with
// --dry-run=client). Both flags are parsed before anything is sent, so a bad one changes nothing.

export interface WriteFlags {
  dryRun: string;
  output?: string;
  showManagedFields?: boolean;
}

/** --dry-run and -o, as every write verb has them. */
export function addWriteOptions<C extends { option(flags: string, description: string, defaultValue?: string): C }>(command: C): C {
  return command
    .option('--dry-run <mode>', 'none, server or client: with server or client nothing is changed', 'none')
    .option('-o, --output <format>', 'print the object instead: json, yaml, name, jsonpath=...')
    .option('--show-managed-fields', 'with -o json or yaml, keep metadata.managedFields in the output');
}

export class WriteReport {
  readonly dryRun: DryRun;
  private readonly format: OutputFormat | undefined;
  private readonly showManagedFields: boolean;
  private printed = 0;

  /**
   * `fromFiles`: the objects come from manifests as the user wrote them; kubectl prints those
   * as they are, where objects its generators build carry Go's zero creationTimestamp (null).
   * `quietDryRun`: the verb's line never says it was a dry run (kubectl's taint).
   */
  constructor(
    private readonly ctx: CliContext,
    flags: WriteFlags,
    private readonly opts: { fromFiles?: boolean; quietDryRun?: boolean } = {},
  ) {
    this.dryRun = parseDryRun(flags.dryRun);
    this.format = flags.output ? parseOutputFormat(flags.output, WRITE_OUTPUT_FORMATS) : undefined;
    this.showManagedFields = flags.showManagedFields ?? false;
  }

  /** True when the verb must send nothing at all. */
  get clientOnly(): boolean {
    return this.dryRun === 'client';
  }

  /** The `dryRun` to send with a write: only a server dry run asks the server not to store. */
  get serverDryRun(): boolean {
    return this.dryRun === 'server';
  }

  /** Whether -o asked for the objects themselves (else only their names are printed). */
  get printsObjects(): boolean {
    return this.format !== undefined;
  }

  /** Reports one written object: the object in the -o format, otherwise `<kind>/<name> <done>`. */
  written(info: ResourceInfo, object: AnyObject, done: string): void {
    if (!this.format) {
      this.ctx.out(`${objectRef(info, object.metadata?.name ?? '')} ${done}${this.opts.quietDryRun ? '' : dryRunSuffix(this.dryRun)}\n`);
      return;
    }
    // kubectl's YAML printer separates the second and later objects it prints with a document marker.
    const separator = this.format.type === 'yaml' && this.printed > 0 ? '---\n' : '';
    this.printed++;
    const shown = this.showManagedFields ? object : withoutManagedFields(object);
    const origin = !this.clientOnly ? 'server' : this.opts.fromFiles ? 'file' : 'generated';
    this.ctx.out(separator + printObjects(info, [shown], this.format, { single: true, origin }));
  }
}
