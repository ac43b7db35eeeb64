/**
 * The outcome of one plugin call, as in kube-scheduler's framework.Status. `null` stands for
 * success everywhere (like Go's nil *Status), so the hot filter loop allocates nothing for nodes
 * that fit.
 */
export enum Code {
  Success = 'Success',
  /** An internal failure: the pod is retried with backoff, never reported as "unschedulable". */
  Error = 'Error',
  /** The node does not fit now, but preempting pods on it might help. */
  Unschedulable = 'Unschedulable',
  /** The node does not fit and preemption cannot change that. */
  UnschedulableAndUnresolvable = 'UnschedulableAndUnresolvable',
  /** The plugin has nothing to do for this pod: its Filter or Score is skipped for the cycle. */
  Skip = 'Skip',
}

export class Status {
  constructor(
    readonly code: Code,
    /** Reasons as they appear in the FailedScheduling message, e.g. `Insufficient cpu`. */
    readonly reasons: readonly string[],
    /** The plugin that produced the status; the queue uses it to decide which events help. */
    readonly plugin = '',
  ) {}

  static unschedulable(plugin: string, ...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons, plugin);
  }

  static unresolvable(plugin: string, ...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons, plugin);
  }

  static error(plugin: string, message: string): Status {
    return new Status(Code.Error, [message], plugin);
  }

  static skip(plugin: string): Status {
    return new Status(Code.Skip, [], plugin);
  }

  /** True when the node (or pod) was rejected, as opposed to an internal error. */
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable;
  }

  message(): string {
    return this.reasons.join(', ');
  }
}

/** `null` is success. */
export type PluginResult = Status | null;
