import { createServer } from 'node:net';
import { METRICS_PORT_OFFSETS } from '../../cli/up/metrics-ports.js';

/** A port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
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

/** An `--etcd-port` for `kubets up`: free, and so is the next one, etcd's peer port. */
export function freeEtcdPort(): Promise<number> {
  return freePortWith([1], 'etcd client port with a free peer port after it');
}
