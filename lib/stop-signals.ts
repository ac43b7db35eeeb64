// How our long-running processes (the daemons and `kubets up`) end: on SIGTERM from a supervisor
// or SIGINT from a terminal they stop their work, then exit with a status that says whether the
// stop went cleanly.

const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

/** Calls stop on the first SIGTERM and on the first SIGINT (each listener fires once). */
export function onStopSignal(stop: (signal: StopSignal) => void): void {
  for (const signal of STOP_SIGNALS) process.once(signal, () => stop(signal));
}

/** Exits 0 once the stop resolves, 1 if it rejects. */
export function exitWhenStopped(stopping: Promise<unknown>): void {
  stopping.then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
