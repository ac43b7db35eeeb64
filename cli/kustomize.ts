import { CliError } from './errors.js';

// kubectl builds kustomizations (-k) with Go's kustomize library. No maintained JavaScript
// implementation of it exists, and a partial one would quietly build different objects than
// kubectl does (generated names with content hashes and the references rewritten to them,
// common labels carried into selectors and templates, patch ordering), so kubets refuses -k with
// a way out instead.

export interface KustomizeFlags {
  kustomize?: string;
}

export function addKustomizeOption<C extends { option(flags: string, description: string): C }>(command: C): C {
  return command.option('-k, --kustomize <dir>', 'not supported by kubets: build the kustomization with kustomize and pass its output with -f -');
}

export function refuseKustomize(flags: KustomizeFlags): void {
  if (flags.kustomize === undefined) return;
  throw new CliError(
    `-k ${flags.kustomize}: kustomizations are not supported by kubets (kubectl builds them with Go's kustomize library, which has no JavaScript counterpart); ` +
      `build it with kustomize or kubectl and pass the result on stdin: kustomize build ${flags.kustomize} | kubets apply -f -`,
  );
}
