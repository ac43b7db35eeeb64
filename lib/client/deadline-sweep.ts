import * as grpc from '@grpc/grpc-js';

/** What the sweep ends when its deadline passes: a call in flight. */
export interface Cancellable {
  cancelWithStatus(code: grpc.status, details: string): void;
}

/** setTimeout's longest delay; a later deadline is looked at again when a timer of this length fires. */
const LONGEST_TIMER_MS = 2 ** 31 - 1;

/**
 * The deadlines of many calls under one timer. grpc-js arms a timer for every call given a
 * deadline, and sends the deadline as `grpc-timeout`, for which the server arms another; a client
 * whose calls end in milliseconds against deadlines of seconds sets and clears two timers per call
 * for nothing. Here one timer waits for the earliest deadline in flight: a call that ends is only
 * forgotten (its timer is not cleared), and when the timer fires every call past its deadline is
 * cancelled with DEADLINE_EXCEEDED and the timer is armed again for the earliest of the rest.
 */
export class DeadlineSweep {
  private readonly deadlines = new Map<Cancellable, number>();
  private timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires (epoch ms); Infinity when none is armed. */
  private armedFor = Infinity;

  /** Cancels `call` at `deadline` (epoch ms) unless it is forgotten first. */
  track(call: Cancellable, deadline: number): void {
    this.deadlines.set(call, deadline);
    if (deadline < this.armedFor) this.arm(deadline);
  }

  forget(call: Cancellable): void {
    this.deadlines.delete(call);
  }

  /** Calls tracked and not yet forgotten or cancelled. */
  get size(): number {
    return this.deadlines.size;
  }

  private arm(at: number): void {
    clearTimeout(this.timer);
    this.armedFor = at;
    // Unreferenced, as a call in flight keeps the process alive through its connection anyway.
    this.timer = setTimeout(() => this.sweep(), Math.min(Math.max(0, at - Date.now()), LONGEST_TIMER_MS)).unref();
  }

  private sweep(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const [call, deadline] of this.deadlines) {
      if (deadline <= now) {
        this.deadlines.delete(call);
        call.cancelWithStatus(grpc.status.DEADLINE_EXCEEDED, 'Deadline exceeded');
      } else if (deadline < next) {
        next = deadline;
      }
    }
    if (next !== Infinity) this.arm(next);
  }
}
