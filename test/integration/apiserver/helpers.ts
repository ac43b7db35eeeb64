import * as grpc from '@grpc/grpc-js';
import type { Etcd3 } from 'etcd3';
import { expect } from 'vitest';
import { ApiError, fromServiceError, type StatusReason } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import { packageDefinition } from '../../../lib/api/proto.js';
import type { ControlPlane } from '../../harness/control-plane.js';
import { rawEtcdClient } from '../../harness/etcd.js';
import { pollUntil, sleep } from '../../harness/poll.js';

// Shared by the apiserver integration tests: object builders, error assertions and raw gRPC
// access for the requests the typed client cannot make (garbage bytes, unknown resources, no token).

/** Awaits a call that must fail with an ApiError of this reason; returns the error for more checks. */
export async function expectApiError(call: Promise<unknown>, reason: StatusReason, message?: string | RegExp): Promise<ApiError> {
  let caught: unknown;
  try {
    await call;
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected ${reason}, but the call succeeded`).toBeInstanceOf(ApiError);
  const apiErr = caught as ApiError;
  expect({ reason: apiErr.reason, message: apiErr.message }).toMatchObject({ reason });
  if (message !== undefined) expect(apiErr.message).toMatch(message);
  return apiErr;
}

export { sleep };

/** Polls until check returns a value (or true); bounded by timeoutMs. */
export function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 30_000, what = 'condition'): Promise<T> {
  return pollUntil(check, { timeoutMs, intervalMs: 100, what });
}

export function pod(name: string, namespace = 'default', extra: Partial<t.PodSpec> = {}, labels?: Record<string, string>): t.Pod {
  return {
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'c', image: 'busybox:1.36' }], ...extra },
  };
}

export function configMap(name: string, namespace = 'default', labels?: Record<string, string>, data?: Record<string, string>): t.ConfigMap {
  return { metadata: { name, namespace, labels }, data };
}

export function service(name: string, spec: t.ServiceSpec, namespace = 'default'): t.Service {
  return { metadata: { name, namespace }, spec: { selector: { app: name }, ports: [{ port: 80, protocol: 'TCP' }], ...spec } };
}

export function nsObject(name: string): t.Namespace {
  return { metadata: { name } };
}

const ResourcesClient = grpc.makeClientConstructor(
  (packageDefinition['kubets.v1.Resources'] as unknown as grpc.ServiceDefinition),
  'Resources',
) as unknown as new (address: string, creds: grpc.ChannelCredentials) => grpc.Client & Record<string, unknown>;

export interface RawClient {
  client: grpc.Client;
  /** A unary call with protobuf encoding by grpc-js; resolves the response or rejects with an ApiError. */
  call<Res>(method: string, request: object, metadata?: grpc.Metadata): Promise<Res>;
  /** Sends bytes as they are to /kubets.v1.Resources/<method>. */
  callBytes(method: string, bytes: Buffer, metadata?: grpc.Metadata): Promise<Buffer>;
  close(): void;
}

export function tokenMetadata(token: string | undefined): grpc.Metadata {
  const md = new grpc.Metadata();
  if (token !== undefined) md.set('authorization', `Bearer ${token}`);
  return md;
}

/** A bare grpc-js client of one apiserver (TLS with the cluster CA unless creds are given). */
export function rawClient(cp: ControlPlane, address = cp.apiservers[0]!.address, creds = grpc.credentials.createSsl(Buffer.from(cp.caPem))): RawClient {
  const client = new ResourcesClient(address, creds);
  const deadline = (): grpc.CallOptions => ({ deadline: Date.now() + 30_000 });
  return {
    client,
    call<Res>(method: string, request: object, metadata = tokenMetadata(cp.token)): Promise<Res> {
      const fn = client[method] as (req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: Res) => void) => void;
      return new Promise((resolve, reject) => fn.call(client, request, metadata, deadline(), (err, res) => (err ? reject(fromServiceError(err)) : resolve(res))));
    },
    callBytes(method: string, bytes: Buffer, metadata = tokenMetadata(cp.token)): Promise<Buffer> {
      return new Promise((resolve, reject) =>
        client.makeUnaryRequest(
          `/kubets.v1.Resources/${method}`,
          (b: Buffer) => b,
          (b: Buffer) => b,
          bytes,
          metadata,
          deadline(),
          (err, res) => (err ? reject(err) : resolve(res!)),
        ),
      );
    },
    close: () => client.close(),
  };
}

/** A direct etcd client, for checking what the apiserver really stored. */
export function etcdClient(cp: ControlPlane): Etcd3 {
  return rawEtcdClient(cp.etcd);
}

/** etcd's own count of open watchers (its /metrics gauge). */
export async function etcdWatcherCount(cp: ControlPlane): Promise<number> {
  const text = await (await fetch(`${cp.etcd.endpoint}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('etcd_debugging_mvcc_watcher_total '));
  if (!line) throw new Error('etcd did not report etcd_debugging_mvcc_watcher_total');
  return Number(line.split(' ')[1]);
}
