import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import * as protoLoader from '@grpc/proto-loader';
import { projectRoot, protoDir } from '../paths.js';
import type { Object as ApiObjectEnvelope } from './generated/index.js';

interface ProtoOptions {
  keepCase: boolean;
  longs: 'Number' | 'String';
  enums: 'String';
  defaults: boolean;
  oneofs: boolean;
}

// The same options drive type generation (scripts/gen-types.mjs), the grpc loader and our own
// encode/decode, so all three agree on the shape of a decoded message.
const optionsFile = JSON.parse(readFileSync(join(projectRoot, 'lib/api/proto-options.json'), 'utf8')) as ProtoOptions;

const protoFiles = ['kubets/v1/api.proto', 'grpc/health/v1/health.proto'];

const loaderOptions: protoLoader.Options = {
  keepCase: optionsFile.keepCase,
  longs: optionsFile.longs === 'Number' ? Number : String,
  enums: String,
  defaults: optionsFile.defaults,
  oneofs: optionsFile.oneofs,
  includeDirs: [protoDir],
};

export const toObjectOptions: protobuf.IConversionOptions = {
  longs: loaderOptions.longs as NumberConstructor,
  enums: String,
  bytes: Buffer as unknown as ArrayConstructor,
  defaults: optionsFile.defaults,
  oneofs: optionsFile.oneofs,
};

export const packageDefinition = protoLoader.loadSync(protoFiles, loaderOptions);

function loadRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => join(protoDir, target);
  root.loadSync(protoFiles, { keepCase: optionsFile.keepCase });
  root.resolveAll();
  return root;
}

export const protoRoot = loadRoot();
const objectType = protoRoot.lookupType('kubets.v1.Object');

export function lookupMessage(name: string): protobuf.Type {
  return protoRoot.lookupType(`kubets.v1.${name}`);
}

/** Encodes the storage and wire envelope of one object. */
export function encodeObject(envelope: ApiObjectEnvelope): Buffer {
  return Buffer.from(objectType.encode(objectType.fromObject(envelope)).finish());
}

export function decodeObject(bytes: Uint8Array): ApiObjectEnvelope {
  return objectType.toObject(objectType.decode(bytes), toObjectOptions) as ApiObjectEnvelope;
}
