import { readFileSync, rmSync, writeFileSync } from 'node:fs';

class HostLockError extends Error {
  override readonly name = 'HostLockError';
}

// A lock left by a dead process is taken over; this bounds the retries if two race for it.
const MAX_ATTEMPTS = 3;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A pid file created exclusively: one proxy per host, since its iptables rules are host-wide and
 * two would rewrite each other's chains (or one's --cleanup would remove the other's rules).
 * Returns a release function.
 */
export function acquireHostLock(path: string): () => void {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o644 });
      return () => {
        if (readPid(path) === process.pid) rmSync(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new HostLockError(`cannot create the proxy lock ${path}: ${(err as Error).message}`);
    }
    const holder = readPid(path);
    if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
      throw new HostLockError(`another kubets proxy (pid ${holder}) is running on this host (lock ${path}); there is one proxy per host`);
    }
    rmSync(path, { force: true });
  }
  throw new HostLockError(`cannot take the proxy lock ${path}: it keeps reappearing`);
}

function readPid(path: string): number | undefined {
  try {
    const pid = Number(readFileSync(path, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
