import type * as grpc from '@grpc/grpc-js';
import type { Store } from './storage/store.js';

const PROBE_TIMEOUT_MS = 2_000;
const CACHE_MS = 1_000;

export type ServingStatus = 'SERVING' | 'NOT_SERVING' | 'SERVICE_UNKNOWN';
export type HealthProbe = (service: string) => Promise<ServingStatus>;

/**
 * Health as kube-apiserver's /livez and /readyz: service "" and "livez" report whether etcd
 * answers; "readyz" also needs every watch cache to have synced. Served over gRPC's health
 * service and the HTTP API's /healthz, /livez and /readyz.
 */
export function healthProbe(store: Store, ready: () => boolean): HealthProbe {
  let last: { at: number; ok: boolean } | undefined;

  async function etcdReachable(): Promise<boolean> {
    if (last && Date.now() - last.at < CACHE_MS) return last.ok;
    const ok = await Promise.race([
      store.currentRevision().then(() => true, () => false),
      new Promise<boolean>((r) => setTimeout(() => r(false), PROBE_TIMEOUT_MS).unref()),
    ]);
    last = { at: Date.now(), ok };
    return ok;
  }

  async function status(service: string): Promise<ServingStatus> {
    if (service !== '' && service !== 'livez' && service !== 'readyz') return 'SERVICE_UNKNOWN';
    const ok = (await etcdReachable()) && (service !== 'readyz' || ready());
    return ok ? 'SERVING' : 'NOT_SERVING';
  }
  return status;
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
      const timer = setInterval(() => void tick(), CACHE_MS);
      void tick();
      call.on('cancelled', () => clearInterval(timer));
      call.on('close', () => clearInterval(timer));
    },
  };
}
