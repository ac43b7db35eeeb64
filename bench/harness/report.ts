import { cpus, totalmem } from 'node:os';

/** One line naming the machine a figure was measured on, for bench/README.md. */
function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`;
}

export function printResult(name: string, result: unknown): void {
  process.stdout.write(`${JSON.stringify({ bench: name, machine: machine(), at: new Date().toISOString(), ...(result as object) })}\n`);
}
