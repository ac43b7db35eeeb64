import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { METRICS_PORT_OFFSETS } from '../../cli/up/metrics-ports.js';

const LOWEST_LISTEN_PORT = 10_000;

/**
 * The first port the kernel hands out to outgoing connections. A port below it can only be taken by
 * a listener; one inside it can be taken at any moment by any test's client socket, between the
 * check that it is free and the daemon's listen (a CI run lost a cluster to exactly that).
 */
function firstEphemeralPort(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST_LISTEN_PORT + 1000 ? low : 0;
  } catch {
    return 0;
  }
}

/** A port the OS picks among its ephemeral ones: free a moment ago. */
function osPickedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A port that was free on 127.0.0.1 a moment ago, below the ephemeral range where one exists (see
 * firstEphemeralPort), so only another listener can take it before the caller listens.
 */
export async function freePort(): Promise<number> {
  const ephemeral = firstEphemeralPort();
  for (let attempt = 0; ephemeral > 0 && attempt < 50; attempt++) {
    const port = LOWEST_LISTEN_PORT + Math.floor(Math.random() * (ephemeral - LOWEST_LISTEN_PORT));
    if (await canListen(port)) return port;
  }
  return osPickedPort();
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A free port whose neighbours at the given offsets are free too. */
async function freePortWith(offsets: readonly number[], what: string): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await freePort();
    const derived = offsets.map((offset) => port + offset);
    if (derived.every((p) => p > 0 && p < 65536) && (await Promise.all(derived.map(canListen))).every(Boolean)) return port;
  }
  throw new Error(`no free ${what} found in 50 tries`);
}

/**
 * A `--kubelet-port` for `kubets up`: free, and so are the metrics ports `up` places around it
 * (METRICS_PORT_OFFSETS), which a plain free port does not promise on a machine where other tests
 * listen on ports of their own.
 */
export function freeKubeletPort(): Promise<number> {
  return freePortWith(Object.values(METRICS_PORT_OFFSETS), 'kubelet port with free metrics ports around it');
}

/** A `--port` for `kubets up`: free, and so is the next one, the apiserver's HTTP API. */
export function freeApiserverPort(): Promise<number> {
  return freePortWith([1], 'apiserver port with a free HTTP API port after it');
}

/** An `--etcd-port` for `kubets up`: free, and so is the next one, etcd's peer port. */
export function freeEtcdPort(): Promise<number> {
  return freePortWith([1], 'etcd client port with a free peer port after it');
}
