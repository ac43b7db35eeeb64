/**
 * Why a container could not be started. `reason` is what Kubernetes shows as the container's
 * waiting reason (`ErrImagePull`, `ImagePullBackOff`, `CrashLoopBackOff`, `CreateContainerConfigError`,
 * `ErrImageNeverPull`, `RunContainerError`, ...), `message` the text beside it.
 */
export class ContainerStartError extends Error {
  override readonly name = 'ContainerStartError';
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

/** A container's env or command could not be built (missing configMap key, bad field path, ...). */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}

/** The pod sandbox (pause container) could not be created or started. */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';
}

/** Logs or exec asked for a container this node does not run. */
export class ContainerNotFoundError extends Error {
  override readonly name = 'ContainerNotFoundError';
}

/** Docker answered with an HTTP status; dockerode puts it on `statusCode`. */
export function dockerStatusCode(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'statusCode' in err) {
    const code = (err as { statusCode: unknown }).statusCode;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}

/** Docker's own words: dockerode wraps them as `(HTTP code 500) server error - <message>`. */
export function dockerMessage(err: unknown): string {
  if (typeof err === 'object' && err !== null) {
    const json = (err as { json?: unknown }).json;
    if (typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string') {
      return (json as { message: string }).message;
    }
    if (err instanceof Error) return err.message.replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
  }
  return String(err);
}
