// Waiting in tests for what a user would eventually see. Every wait is bounded: a check that
// never passes fails the test with what was awaited and the last error the check threw.

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface PollOptions {
  /** Give up once this long has passed (the check has then run one last time). */
  timeoutMs: number;
  /** Pause between checks. */
  intervalMs: number;
  /** What is awaited, for the failure message. */
  what: string;
}

/** Runs check until it returns a value other than undefined/false, and returns that value; errors it throws count as not yet. */
export async function pollUntil<T>(check: () => T | undefined | false | Promise<T | undefined | false>, { timeoutMs, intervalMs, what }: PollOptions): Promise<T> {
  const until = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > until) throw new Error(`${what} not reached in ${timeoutMs} ms${lastErr ? `: ${String(lastErr)}` : ''}`);
    await sleep(intervalMs);
  }
}

/**
 * What promise resolves to, or a failure once timeoutMs have passed: a generous deadline on
 * something that must finish (rather than wait out a grace period or hang), not a measurement.
 */
export async function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
