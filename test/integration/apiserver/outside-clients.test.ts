import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../../lib/paths.js';
import { useControlPlane } from '../../harness/use-control-plane.js';

// The apiserver as a client in another language sees it: stubs compiled from proto/ alone (here
// @grpc/proto-loader with its usual options, not lib/client), the CA file and the bearer token in
// the `authorization` metadata; errors read with the standard rich status; reflection for tools
// that have no .proto files; health under the standard service name.

const cluster = useControlPlane();

const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: false, oneofs: true };
const api = protoLoader.loadSync('kubets/v1/api.proto', { ...LOADER_OPTIONS, includeDirs: [join(projectRoot, 'proto')] });
const standard = (file: string): protoLoader.PackageDefinition => protoLoader.loadSync(file, { ...LOADER_OPTIONS, includeDirs: [join(projectRoot, 'proto-grpc')] });

type Callback<T> = (err: grpc.ServiceError | null, res: T) => void;
type AnyClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;
type Obj = Record<string, unknown> & { metadata?: { name?: string; resourceVersion?: string }; apiVersion?: string; kind?: string };
type Envelope = Record<string, Obj | string | undefined>;

function clientOf(def: protoLoader.PackageDefinition, service: string): AnyClient {
  const ctor = service.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], grpc.loadPackageDefinition(def)) as grpc.ServiceClientConstructor;
  return new ctor(cluster.cp.apiservers[0]!.address, grpc.credentials.createSsl(Buffer.from(cluster.cp.caPem))) as unknown as AnyClient;
}

function bearer(token = cluster.cp.token): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

function call<T>(client: AnyClient, method: string, request: object): Promise<T> {
  return new Promise((resolve, reject) => client[method]!(request, bearer(), (err: grpc.ServiceError | null, res: T) => (err ? reject(err) : resolve(res))) as Callback<T>);
}

async function failure(promise: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await promise;
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error('expected the call to fail');
}

let resources: AnyClient;

beforeAll(() => {
  resources = clientOf(api, 'kubets.v1.Resources');
});

afterAll(() => {
  resources?.close();
});

describe('the Resources service from proto/ alone', () => {
  it('creates and updates without naming the resource: the object says its kind', async () => {
    const created = await call<Envelope>(resources, 'Create', { namespace: 'default', object: { configMap: { metadata: { name: 'outside-1' }, data: { k: 'v' } } } });
    expect(created.kind).toBe('configMap');
    expect(created.configMap).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'outside-1', namespace: 'default' } });
    const updated = await call<Envelope>(resources, 'Update', { object: { configMap: { ...(created.configMap as Obj), data: { k: 'v2' } } } });
    expect(updated.configMap).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'v2' } });
    const deployment = await call<Envelope>(resources, 'Create', {
      namespace: 'default',
      object: { deployment: { metadata: { name: 'outside-web' }, spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } } } } },
    });
    expect(deployment.deployment).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
  });

  it('accepts the kind or the singular name where the plural is expected', async () => {
    await call(resources, 'Create', { resource: 'ConfigMap', namespace: 'default', object: { configMap: { metadata: { name: 'outside-2' } } } });
    for (const resource of ['configmaps', 'ConfigMap', 'configmap']) {
      const got = await call<Envelope>(resources, 'Get', { resource, namespace: 'default', name: 'outside-2' });
      expect(got.configMap).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'outside-2' } });
    }
    const missing = await failure(call(resources, 'Get', { namespace: 'default', name: 'outside-2' }));
    expect(missing.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(missing.details).toBe('resource: Required value');
  });

  it('fills apiVersion and kind in list items and pages with continueToken', async () => {
    for (const name of ['outside-page-a', 'outside-page-b']) await call(resources, 'Create', { namespace: 'default', object: { configMap: { metadata: { name, labels: { page: 'yes' } } } } });
    const first = await call<{ metadata: { continue: string }; items: Envelope[] }>(resources, 'List', { resource: 'configmaps', namespace: 'default', labelSelector: 'page=yes', limit: 1 });
    expect(first.items.map((i) => i.configMap)).toEqual([expect.objectContaining({ apiVersion: 'v1', kind: 'ConfigMap', metadata: expect.objectContaining({ name: 'outside-page-a' }) })]);
    expect(first.metadata.continue).not.toBe('');
    const second = await call<{ items: Envelope[] }>(resources, 'List', { resource: 'configmaps', namespace: 'default', labelSelector: 'page=yes', limit: 1, continueToken: first.metadata.continue });
    expect(second.items.map((i) => (i.configMap as Obj).metadata?.name)).toEqual(['outside-page-b']);
    const unpaged = await call<{ items: Envelope[] }>(resources, 'List', { resource: 'namespaces' });
    for (const item of unpaged.items) expect(item.namespace).toMatchObject({ apiVersion: 'v1', kind: 'Namespace' });
  });

  it('fills apiVersion and kind in watch events', async () => {
    const stream = resources.Watch!({ resource: 'configmaps', namespace: 'default', fieldSelector: 'metadata.name=outside-1' }, bearer()) as grpc.ClientReadableStream<{ type: string; object: Envelope }>;
    stream.on('error', () => {});
    try {
      const [event] = (await new Promise((resolve) => stream.once('data', (e) => resolve([e])))) as [{ type: string; object: Envelope }];
      expect(event.type).toBe('ADDED');
      expect(event.object.configMap).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'outside-1' } });
    } finally {
      stream.cancel();
    }
  });

  it('sends failures as the standard rich status, with the Kubernetes Status as its detail', async () => {
    const err = await failure(call(resources, 'Get', { resource: 'pods', namespace: 'default', name: 'nobody' }));
    expect(err.code).toBe(grpc.status.NOT_FOUND);
    expect(err.metadata.get('kubets-status-bin')).toEqual([]);
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => (target.startsWith('google/protobuf/') ? target : join(projectRoot, target.startsWith('google/') ? 'proto-grpc' : 'proto', target));
    root.loadSync(['google/rpc/status.proto', 'kubets/v1/api.proto'], { keepCase: true });
    const rpcStatusType = root.lookupType('google.rpc.Status');
    const rpcStatus = rpcStatusType.toObject(rpcStatusType.decode(err.metadata.get('grpc-status-details-bin')[0] as Buffer)) as { code: number; message: string; details: { type_url: string; value: Uint8Array }[] };
    expect(rpcStatus).toMatchObject({ code: grpc.status.NOT_FOUND, message: err.details });
    expect(rpcStatus.details.map((d) => d.type_url)).toEqual(['type.googleapis.com/kubets.v1.Status']);
    const statusType = root.lookupType('kubets.v1.Status');
    expect(statusType.toObject(statusType.decode(rpcStatus.details[0]!.value))).toEqual({
      status: 'Failure',
      message: 'pods "nobody" not found',
      reason: 'NotFound',
      details: { name: 'nobody', kind: 'pods' },
      code: 404,
    });
  });
});

describe('server reflection', () => {
  type ReflectionResponse = {
    list_services_response?: { service: { name: string }[] };
    file_descriptor_response?: { file_descriptor_proto: Buffer[] };
    error_response?: { error_code: number; error_message: string };
  };

  async function reflect(version: 'v1' | 'v1alpha', requests: object[], metadata = bearer()): Promise<ReflectionResponse[]> {
    const client = clientOf(standard(`grpc/reflection/${version}/reflection.proto`), `grpc.reflection.${version}.ServerReflection`);
    try {
      const stream = client.ServerReflectionInfo!(metadata) as grpc.ClientDuplexStream<object, ReflectionResponse>;
      const responses: ReflectionResponse[] = [];
      const done = new Promise<void>((resolve, reject) => {
        stream.on('data', (r: ReflectionResponse) => responses.push(r));
        stream.on('end', resolve);
        stream.on('error', reject);
      });
      for (const r of requests) stream.write(r);
      stream.end();
      await done;
      return responses;
    } finally {
      client.close();
    }
  }

  it('lists the services under both protocol versions', async () => {
    for (const version of ['v1', 'v1alpha'] as const) {
      const [listed] = await reflect(version, [{ list_services: '' }]);
      expect(listed!.list_services_response!.service.map((s) => s.name).sort()).toEqual([
        'grpc.health.v1.Health',
        'grpc.reflection.v1.ServerReflection',
        'grpc.reflection.v1alpha.ServerReflection',
        'kubets.v1.Resources',
      ]);
    }
  });

  it('describes the API well enough to call it with no .proto file at all', async () => {
    const [found, missing] = await reflect('v1', [{ file_containing_symbol: 'kubets.v1.Resources' }, { file_containing_symbol: 'kubets.v1.NoSuchThing' }]);
    expect(missing!.error_response).toMatchObject({ error_code: grpc.status.NOT_FOUND });
    const files = found!.file_descriptor_response!.file_descriptor_proto;
    // A FileDescriptorSet is its files, each as field 1.
    const set = Buffer.concat(files.flatMap((f) => [Buffer.from([0x0a]), Buffer.from(protobuf.Writer.create().uint32(f.length).finish()), f]));
    const described = clientOf(protoLoader.loadFileDescriptorSetFromBuffer(set, LOADER_OPTIONS), 'kubets.v1.Resources');
    try {
      const got = await call<Envelope>(described, 'Get', { resource: 'namespaces', name: 'default' });
      expect(got.namespace).toMatchObject({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    } finally {
      described.close();
    }
  });

  it('answers only authenticated callers', async () => {
    const err = await reflect('v1', [{ list_services: '' }], new grpc.Metadata()).catch((e: grpc.ServiceError) => e);
    expect((err as grpc.ServiceError).code).toBe(grpc.status.UNAUTHENTICATED);
  });
});

describe('health', () => {
  it('answers under the standard grpc.health.v1 name from proto-grpc/', async () => {
    const health = clientOf(standard('grpc/health/v1/health.proto'), 'grpc.health.v1.Health');
    try {
      const res = await new Promise<{ status: string }>((resolve, reject) => health.Check!({ service: 'readyz' }, (err: grpc.ServiceError | null, r: { status: string }) => (err ? reject(err) : resolve(r))));
      expect(res.status).toBe('SERVING');
    } finally {
      health.close();
    }
  });
});
