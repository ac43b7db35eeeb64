// Whether this process ran a verb that called an apiserver and succeeded. The built CLI keeps the
// code cache of such a call for the next ones (cli/launcher.ts): it holds what a client call
// compiles from its first request to its printed answer, which no other kind of call reaches.

let served = false;

export function noteServedVerb(): void {
  served = true;
}

export function servedVerb(): boolean {
  return served;
}
