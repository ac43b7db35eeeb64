import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeKubeProtobuf, encodeKubeProtobuf } from './kube-protobuf.js';
import { parseBody } from './negotiation.js';

// Bodies built field by field with a bare protobuf writer, as Kubernetes' Go client lays them out
// (k8s.io/api's field numbers), independent of the .proto descriptions under test.

type Part = [number, 'string' | 'bytes' | 'varint', string | Uint8Array | number];

function message(...parts: Part[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const [number, kind, value] of parts) {
    if (kind === 'varint') w.uint32(number << 3).int64(value as number);
    else if (kind === 'string') w.uint32((number << 3) | 2).string(value as string);
    else w.uint32((number << 3) | 2).bytes(value as Uint8Array);
  }
  return w.finish();
}
const str = (n: number, v: string): Part => [n, 'string', v];
const msg = (n: number, ...parts: Part[]): Part => [n, 'bytes', message(...parts)];
const int = (n: number, v: number): Part => [n, 'varint', v];
/** A map entry (key 1, value 2) of a map<string, string> field. */
const entry = (n: number, key: string, value: string): Part => msg(n, str(1, key), str(2, value));

function envelope(apiVersion: string, kind: string, object: Uint8Array): Buffer {
  const unknown = message(msg(1, str(1, apiVersion), str(2, kind)), [2, 'bytes', object]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), unknown]);
}

describe('decodeKubeProtobuf', () => {
  it('reads a Deployment as kubectl create deployment sends it, in Kubernetes JSON', () => {
    const container = [str(1, 'web'), str(2, 'busybox:1.36'), str(3, 'sleep'), str(3, '3600'), msg(6, int(3, 8080)), msg(8), str(14, '')] as Part[];
    const deployment = message(
      // ObjectMeta: name, an empty namespace (Go always writes it), labels, a zero creation time.
      msg(1, str(1, 'web'), str(3, ''), entry(11, 'app', 'web'), msg(8)),
      // DeploymentSpec: replicas 0 (a pointer: kept), selector, template, minReadySeconds 0 (plain: dropped).
      msg(2, int(1, 0), msg(2, entry(1, 'app', 'web')), msg(3, msg(1, entry(11, 'app', 'web')), msg(2, msg(2, ...container))), msg(4), int(5, 0)),
      msg(3),
    );
    expect(decodeKubeProtobuf(envelope('apps/v1', 'Deployment', deployment))).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      object: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', labels: { app: 'web' } },
        spec: {
          replicas: 0,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'busybox:1.36', command: ['sleep', '3600'], ports: [{ containerPort: 8080 }], resources: {} }] } },
          strategy: {},
        },
        status: {},
      },
    });
  });

  it('writes the hand-marshalled types as Kubernetes JSON does: IntOrString, Quantity, Time, bytes', () => {
    // ServicePort targetPort (field 4): IntOrString of type 1 (string) and of type 0 (int).
    const service = message(msg(2, msg(1, str(1, 'http'), int(3, 80), msg(4, int(1, 1), str(3, 'web'))), msg(1, int(3, 81), msg(4, int(2, 8081)))));
    expect(decodeKubeProtobuf(envelope('v1', 'Service', service)).object.spec).toEqual({ ports: [{ name: 'http', port: 80, targetPort: 'web' }, { port: 81, targetPort: 8081 }] });
    // ResourceQuota spec.hard: map<string, Quantity>.
    const quota = message(msg(2, msg(1, str(1, 'cpu'), msg(2, str(1, '500m')))));
    expect(decodeKubeProtobuf(envelope('v1', 'ResourceQuota', quota)).object.spec).toEqual({ hard: { cpu: '500m' } });
    // Secret data: map<string, bytes>, base64 in JSON; metadata.creationTimestamp as RFC 3339.
    const secret = message(msg(1, str(1, 's'), msg(8, int(1, 1700000000))), msg(2, str(1, 'k'), [2, 'bytes', Buffer.from('v')]));
    expect(decodeKubeProtobuf(envelope('v1', 'Secret', secret)).object).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', creationTimestamp: '2023-11-14T22:13:20Z' },
      data: { k: 'dg==' },
    });
  });

  it('puts the fields of inline structs in their outer object', () => {
    // A Volume's VolumeSource (field 2) is inline in JSON; so is configMap's LocalObjectReference.
    const pod = message(msg(2, msg(1, str(1, 'conf'), msg(2, msg(19, msg(1, str(1, 'settings')))))));
    expect(decodeKubeProtobuf(envelope('v1', 'Pod', pod)).object.spec).toEqual({ volumes: [{ name: 'conf', configMap: { name: 'settings' } }] });
  });

  it('reads a TokenRequest of kubectl create token', () => {
    const request = message(msg(1), msg(2, str(1, 'api'), str(1, 'vault'), msg(3, str(1, 'Pod'), str(2, 'v1'), str(3, 'web'), str(4, 'uid-1')), int(4, 900)));
    expect(decodeKubeProtobuf(envelope('authentication.k8s.io/v1', 'TokenRequest', request)).object).toEqual({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenRequest',
      metadata: {},
      spec: { audiences: ['api', 'vault'], expirationSeconds: 900, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: 'uid-1' } },
    });
  });

  it('refuses a body without the magic as a bad request, and a kind it has no description of as 415', () => {
    expect(() => decodeKubeProtobuf(Buffer.from('{}'))).toThrow(expect.objectContaining({ reason: 'BadRequest', message: 'the protobuf body does not start with the k8s magic prefix' }));
    expect(() => decodeKubeProtobuf(envelope('flowcontrol.apiserver.k8s.io/v1', 'FlowSchema', message()))).toThrow(expect.objectContaining({ reason: 'UnsupportedMediaType' }));
    expect(() => decodeKubeProtobuf(envelope('v1', 'ConfigMap', Buffer.from([0x0a, 0x05])))).toThrow(expect.objectContaining({ reason: 'BadRequest' }));
    // A RawExtension that is not JSON.
    const revision = message(msg(1, str(1, 'r')), msg(2, [1, 'bytes', Buffer.from('{not json')]));
    expect(() => decodeKubeProtobuf(envelope('apps/v1', 'ControllerRevision', revision))).toThrow(expect.objectContaining({ reason: 'BadRequest' }));
  });

  it('is what parseBody makes of a protobuf body', () => {
    const configMap = message(msg(1, str(1, 'cm')), entry(2, 'a', 'b'));
    expect(parseBody(envelope('v1', 'ConfigMap', configMap), 'application/vnd.kubernetes.protobuf')).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm' }, data: { a: 'b' } });
  });

  it('writes what it reads: objects and lists round-trip through the protobuf encoding', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default', uid: 'u-1', resourceVersion: '42', generation: 3, creationTimestamp: '2024-01-02T15:04:05Z', labels: { app: 'web' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: {
            containers: [{ name: 'web', image: 'busybox:1.36', ports: [{ containerPort: 8080, protocol: 'TCP' }], resources: { requests: { cpu: '100m' } } }],
            volumes: [{ name: 'conf', configMap: { name: 'settings', defaultMode: 420 } }],
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      },
      status: { replicas: 2, conditions: [{ type: 'Available', status: 'True', lastTransitionTime: '2024-01-02T15:04:06Z' }] },
    };
    const bytes = encodeKubeProtobuf(deployment);
    expect(bytes.subarray(0, 4).toString('latin1')).toBe('k8s\0');
    expect(decodeKubeProtobuf(bytes).object).toEqual(deployment);
    const list = { apiVersion: 'v1', kind: 'SecretList', metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 's' }, data: { k: 'dg==' }, type: 'Opaque' }] };
    expect(decodeKubeProtobuf(encodeKubeProtobuf(list)).object).toEqual(list);
    // A CertificateSigningRequest (kubectl certificate approve sends it): bytes, and extra's string lists.
    const csr = {
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name: 'node-csr' },
      spec: { request: Buffer.from('-----BEGIN CERTIFICATE REQUEST-----').toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'], extra: { scopes: ['a', 'b'] } },
      status: { conditions: [{ type: 'Approved', status: 'True', reason: 'KubectlApprove' }] },
    };
    expect(decodeKubeProtobuf(encodeKubeProtobuf(csr)).object).toEqual(csr);
  });
});
