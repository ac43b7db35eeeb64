import { createRequire } from 'node:module';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { lookupMessage } from '../../../lib/api/proto.js';
import { descriptorIndex } from './file-descriptors.js';

const require = createRequire(import.meta.url);
const descriptorTypes = require('protobufjs/ext/descriptor') as { FileDescriptorProto: protobuf.Type; FileDescriptorSet: protobuf.Type };

interface FieldProto {
  name: string;
  number: number;
  label: number;
  type: number;
  typeName?: string;
  jsonName?: string;
  oneofIndex?: number;
  proto3Optional?: boolean;
}
interface MessageProto {
  name: string;
  field: FieldProto[];
  nestedType?: MessageProto[];
  oneofDecl?: { name: string }[];
  options?: { mapEntry?: boolean };
}
interface FileProto {
  name: string;
  package: string;
  dependency?: string[];
  messageType?: MessageProto[];
  service?: { name: string; method: { name: string; inputType: string; outputType: string; serverStreaming?: boolean }[] }[];
}

function decoded(name: string): FileProto {
  const file = descriptorIndex().files.get(name);
  if (!file) throw new Error(`no descriptor for ${name}`);
  return descriptorTypes.FileDescriptorProto.toObject(descriptorTypes.FileDescriptorProto.decode(file.encoded), { longs: Number }) as FileProto;
}

const message = (file: FileProto, name: string): MessageProto => file.messageType!.find((m) => m.name === name)!;

describe('file descriptors for server reflection', () => {
  it('describes each .proto file under its own name, package and imports', () => {
    expect([...descriptorIndex().files.keys()]).toEqual(expect.arrayContaining(['kubets/v1/api.proto', 'kubets/v1/meta.proto', 'grpc/health/v1/health.proto', 'google/rpc/status.proto', 'google/protobuf/any.proto']));
    const api = decoded('kubets/v1/api.proto');
    expect(api.package).toBe('kubets.v1');
    // api.proto imports every group's file (sorted); new groups add to the list.
    expect(api.dependency).toEqual([...api.dependency!].sort());
    expect(api.dependency).toEqual(expect.arrayContaining(['kubets/v1/apps.proto', 'kubets/v1/core.proto', 'kubets/v1/discovery.proto', 'kubets/v1/meta.proto', 'kubets/v1/pod.proto']));
    expect(decoded('google/rpc/status.proto').dependency).toEqual(['google/protobuf/any.proto']);
    for (const file of descriptorIndex().files.values()) for (const dep of file.dependencies) expect(descriptorIndex().files.has(dep), `${file.name} imports ${dep}`).toBe(true);
  });

  it('names map entries, JSON names and proto3 optional fields as protoc does', () => {
    const meta = message(decoded('kubets/v1/meta.proto'), 'ObjectMeta');
    const labels = meta.field.find((f) => f.name === 'labels')!;
    expect(labels).toMatchObject({ label: 3, type: 11, typeName: '.kubets.v1.ObjectMeta.LabelsEntry', jsonName: 'labels' });
    expect(meta.nestedType!.find((n) => n.name === 'LabelsEntry')).toMatchObject({ options: { mapEntry: true }, field: [{ name: 'key', type: 9 }, { name: 'value', type: 9 }] });
    const grace = meta.field.find((f) => f.name === 'deletionGracePeriodSeconds')!;
    expect(grace).toMatchObject({ proto3Optional: true, oneofIndex: 0 });
    expect(meta.oneofDecl).toEqual([{ name: '_deletionGracePeriodSeconds' }]);
    const list = message(decoded('kubets/v1/api.proto'), 'ListRequest');
    expect(list.field.find((f) => f.number === 6)).toMatchObject({ name: 'continueToken', jsonName: 'continue' });
    const selector = message(decoded('kubets/v1/meta.proto'), 'LabelSelector');
    expect(selector.field.find((f) => f.name === 'matchLabels')).toMatchObject({ typeName: '.kubets.v1.LabelSelector.MatchLabelsEntry' });
  });

  it('describes services with fully qualified types and finds files by symbol', () => {
    const resources = decoded('kubets/v1/api.proto').service!.find((s) => s.name === 'Resources')!;
    expect(resources.method.find((m) => m.name === 'Watch')).toMatchObject({ inputType: '.kubets.v1.WatchRequest', outputType: '.kubets.v1.WatchEvent', serverStreaming: true });
    const { fileOfSymbol } = descriptorIndex();
    expect(fileOfSymbol.get('kubets.v1.Pod')?.name).toBe('kubets/v1/pod.proto');
    expect(fileOfSymbol.get('kubets.v1.Resources.Get')?.name).toBe('kubets/v1/api.proto');
    expect(fileOfSymbol.get('grpc.health.v1.HealthCheckResponse.ServingStatus')?.name).toBe('grpc/health/v1/health.proto');
  });

  it('rebuild into a schema that reads and writes the bytes the apiserver does', () => {
    const set = descriptorTypes.FileDescriptorSet.fromObject({ file: [...descriptorIndex().files.values()].map((f) => descriptorTypes.FileDescriptorProto.decode(f.encoded)) });
    const rebuilt = (protobuf.Root as unknown as { fromDescriptor(set: protobuf.Message): protobuf.Root }).fromDescriptor(set);
    const ours = lookupMessage('Pod');
    const theirs = rebuilt.lookupType('kubets.v1.Pod');
    const pod = { metadata: { name: 'p', deletionGracePeriodSeconds: 0 }, spec: { containers: [{ name: 'c', image: 'busybox:1.36', ports: [{ containerPort: 80 }] }] } };
    expect(Buffer.from(theirs.encode(theirs.fromObject(pod)).finish())).toEqual(Buffer.from(ours.encode(ours.fromObject(pod)).finish()));
    // protobufjs reads a described map as its entry messages (the wire form of a map).
    const labelled = ours.encode(ours.fromObject({ metadata: { name: 'p', labels: { a: 'b' } } })).finish();
    expect(theirs.toObject(theirs.decode(labelled))).toEqual({ metadata: { name: 'p', labels: [{ key: 'a', value: 'b' }] } });
  });
});
