import type { HostConfig } from 'dockerode';
import { InvalidArgumentError } from 'commander';
import { memoryBytes } from '../../../lib/quantity.js';

/**
 * Container log rotation, Kubernetes' containerLogMaxSize and containerLogMaxFiles. Docker's
 * json-file driver keeps a log forever unless told, so every container is created with these
 * limits and the engine rotates its files; `kubets logs` reads across the kept files.
 */
export interface ContainerLogRotation {
  maxSizeBytes: number;
  /** Files kept per container, the one being written included. */
  maxFiles: number;
}

export const DEFAULT_CONTAINER_LOG_ROTATION: ContainerLogRotation = { maxSizeBytes: 10 * 1024 * 1024, maxFiles: 2 };

/** Docker's json-file options (its max-size takes plain bytes). */
export function logConfig(rotation: ContainerLogRotation): HostConfig['LogConfig'] {
  return { Type: 'json-file', Config: { 'max-size': String(rotation.maxSizeBytes), 'max-file': String(rotation.maxFiles) } };
}

/** --container-log-max-size: a quantity (`10Mi`, `500Ki`), at least 1 KiB as the engine needs room for a line. */
export function parseLogMaxSize(value: string): number {
  let bytes: number;
  try {
    bytes = memoryBytes(value);
  } catch {
    throw new InvalidArgumentError(`expected a size such as 10Mi, got "${value}"`);
  }
  if (bytes < 1024) throw new InvalidArgumentError(`must be at least 1Ki, got "${value}"`);
  return bytes;
}

/** --container-log-max-files: at least 2, as Kubernetes requires (the file being written and one rotated). */
export function parseLogMaxFiles(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2) throw new InvalidArgumentError(`must be an integer of at least 2, got "${value}"`);
  return n;
}
