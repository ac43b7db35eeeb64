import type * as grpc from '@grpc/grpc-js';
import type { Store } from './storage/store.js';

const PROBE_TIMEOUT_MS = 2_000;
const REFRESH_MS = 1_000;

export type ServingStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
export type HealthProbe = (service: string) => Promise<ServingStatus>;

export interface HealthMonitor {
  probe: HealthProbe;
  stop(): void;
}

/**
 * Health as kube-apiserver's /livez and /readyz: service "" and "livez" report whether etcd
 * answers; "readyz" also needs every watch cache to have synced. Served over gRPC's health
 * service and the HTTP API's /healthz, /livez and /readyz, to anyone without credentials, so
 * etcd is asked in the background, once a second, and requests only read the last answer: a
 * flood of health checks costs etcd nothing.
 */
export function healthMonitor(store: Store, ready: () => boolean, refreshMs = REFRESH_MS): HealthMonitor {
  const ask = (): Promise<boolean> =>
    Promise.race([
      store.currentRevision().then(() => true, () => false),
      new Promise<boolean>((r) => setTimeout(() => r(false), PROBE_TIMEOUT_MS).unref()),
    ]);
  let etcdOk = ask();
  let asking = false;
  const timer = setInterval(() => {
    if (asking) return;
    asking = true;
    const next = ask();
    void next.then((ok) => {
      etcdOk = Promise.resolve(ok);
      asking = false;
    });
  }, refreshMs);
  timer.unref();

  async function probe(service: string): Promise<ServingStatus> {
    if (service !== '' && service !== 'livez' && service !== 'readyz') return 'SERVICE_UNKNOWN';
    const ok = (await etcdOk) && (service !== 'readyz' || ready());
    return ok ? 'SERVING' : 'NOT_SERVING';
  }
  return { probe, stop: () => clearInterval(timer) };
}

/** The gRPC health service. */
export function healthHandlers(status: HealthProbe): grpc.UntypedServiceImplementation {
  return {
    Check: (call: grpc.ServerUnaryCall<{ service?: string }, { status: ServingStatus }>, callback: grpc.sendUnaryData<{ status: ServingStatus }>) => {
      status(call.request.service ?? '').then((s) => callback(null, { status: s }));
    },
    Watch: (call: grpc.ServerWritableStream<{ service?: string }, { status: ServingStatus }>) => {
      let previous: ServingStatus | undefined;
      const tick = async (): Promise<void> => {
        const s = await status(call.request.service ?? '');
        if (s !== previous) call.write({ status: s });
        previous = s;
      };
      const timer = setInterval(() => void tick(), REFRESH_MS);
      void tick();
      call.on('cancelled', () => clearInterval(timer));
      call.on('close', () => clearInterval(timer));
    },
  };
}
