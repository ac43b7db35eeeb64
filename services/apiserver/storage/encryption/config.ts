import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { aescbcProvider, aesgcmProvider, identityProvider, ValueTransformer, type ValueProvider } from './transformers.js';

// Kubernetes' EncryptionConfiguration (apiserver.config.k8s.io/v1), read from the file given to
// --encryption-provider-config: for each list of resources, the providers in order (the first one
// writes, all read). aescbc, aesgcm and identity are supported. secretbox (XSalsa20-Poly1305) and
// kms are not: Node's crypto has no XSalsa20, and kubets runs no KMS plugin.

export const ENCRYPTION_CONFIG_API_VERSION = 'apiserver.config.k8s.io/v1';
export const ENCRYPTION_CONFIG_KIND = 'EncryptionConfiguration';
/** Every resource (Kubernetes' `*.*`). */
const ALL_RESOURCES = '*.*';

export class EncryptionConfigError extends Error {
  override readonly name = 'EncryptionConfigError';
}

/** The transformer of each storage resource (its plural, as in /registry/<resource>/), '*' for every other one. */
export type EncryptionPlan = ReadonlyMap<string, ValueTransformer>;

export const EVERY_RESOURCE = '*';

type Raw = Record<string, unknown>;

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw new EncryptionConfigError(`${path}: Required value`);
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string' || value === '') throw new EncryptionConfigError(`${path}: Required value`);
  return value;
}

/** A key's secret: base64 of 16, 24 or 32 bytes. The message never holds the secret. */
function aesKey(value: unknown, path: string): Buffer {
  const encoded = text(value, path);
  const key = Buffer.from(encoded, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || key.toString('base64') !== encoded) throw new EncryptionConfigError(`${path}: Invalid value: secret is not valid base64`);
  if (![16, 24, 32].includes(key.length)) throw new EncryptionConfigError(`${path}: Invalid value: secret is ${key.length} bytes; AES needs 16, 24 or 32`);
  return key;
}

function keyedProviders(type: 'aescbc' | 'aesgcm', body: unknown, path: string): ValueProvider[] {
  if (!isObject(body)) throw new EncryptionConfigError(`${path}: Required value`);
  const names = new Set<string>();
  return list(body.keys, `${path}.keys`).map((entry, i) => {
    const at = `${path}.keys[${i}]`;
    if (!isObject(entry)) throw new EncryptionConfigError(`${at}: Required value`);
    const name = text(entry.name, `${at}.name`);
    if (name.includes(':')) throw new EncryptionConfigError(`${at}.name: Invalid value: "${name}": must not contain ':'`);
    if (names.has(name)) throw new EncryptionConfigError(`${at}.name: Duplicate value: "${name}"`);
    names.add(name);
    const secret = aesKey(entry.secret, `${at}.secret`);
    return type === 'aescbc' ? aescbcProvider(name, secret) : aesgcmProvider(name, secret);
  });
}

function providers(entry: unknown, path: string): ValueProvider[] {
  if (!isObject(entry)) throw new EncryptionConfigError(`${path}: Required value`);
  const types = Object.keys(entry);
  if (types.length !== 1) throw new EncryptionConfigError(`${path}: Invalid value: exactly one provider type per entry, found ${types.length === 0 ? 'none' : types.join(', ')}`);
  const type = types[0]!;
  switch (type) {
    case 'identity':
      return [identityProvider()];
    case 'aescbc':
    case 'aesgcm':
      return keyedProviders(type, entry[type], `${path}.${type}`);
    case 'secretbox':
      throw new EncryptionConfigError(`${path}.secretbox: Unsupported value: Node's crypto has no XSalsa20-Poly1305; use aescbc or aesgcm`);
    case 'kms':
      throw new EncryptionConfigError(`${path}.kms: Unsupported value: kubets runs no KMS plugin; use aescbc or aesgcm`);
    default:
      throw new EncryptionConfigError(`${path}.${type}: Unsupported value: supported providers are "aescbc", "aesgcm", "identity"`);
  }
}

/** The storage resource a configured name means: `secrets`, `deployments.apps` → deployments, `*.*` → every one. */
function storageResource(name: string, path: string): string {
  if (name === ALL_RESOURCES) return EVERY_RESOURCE;
  if (name.includes('*')) throw new EncryptionConfigError(`${path}: Unsupported value: "${name}": the only wildcard is "*.*"`);
  return name.split('.')[0]!.toLowerCase();
}

/** Parses an EncryptionConfiguration; a resource named twice keeps its first entry, as Kubernetes does. */
export function parseEncryptionConfig(source: string, file = 'encryption config'): EncryptionPlan {
  let doc: unknown;
  try {
    doc = parse(source);
  } catch (err) {
    throw new EncryptionConfigError(`${file}: not YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new EncryptionConfigError(`${file}: expected an ${ENCRYPTION_CONFIG_KIND} object`);
  if (doc.kind !== ENCRYPTION_CONFIG_KIND) throw new EncryptionConfigError(`kind: Invalid value: ${JSON.stringify(doc.kind)}: expected "${ENCRYPTION_CONFIG_KIND}"`);
  if (doc.apiVersion !== ENCRYPTION_CONFIG_API_VERSION) throw new EncryptionConfigError(`apiVersion: Invalid value: ${JSON.stringify(doc.apiVersion)}: expected "${ENCRYPTION_CONFIG_API_VERSION}"`);
  const plan = new Map<string, ValueTransformer>();
  list(doc.resources, 'resources').forEach((entry, i) => {
    const path = `resources[${i}]`;
    if (!isObject(entry)) throw new EncryptionConfigError(`${path}: Required value`);
    const names = list(entry.resources, `${path}.resources`).map((r, j) => storageResource(text(r, `${path}.resources[${j}]`), `${path}.resources[${j}]`));
    const transformer = new ValueTransformer(list(entry.providers, `${path}.providers`).flatMap((p, j) => providers(p, `${path}.providers[${j}]`)));
    for (const name of names) if (!plan.has(name)) plan.set(name, transformer);
  });
  return plan;
}

export function loadEncryptionConfig(file: string): EncryptionPlan {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new EncryptionConfigError(`--encryption-provider-config: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    return parseEncryptionConfig(source, file);
  } catch (err) {
    if (err instanceof EncryptionConfigError && !err.message.startsWith(file)) throw new EncryptionConfigError(`${file}: ${err.message}`);
    throw err;
  }
}

export interface AesKeySpec {
  name: string;
  /** base64 */
  secret: string;
}

/** A fresh 32-byte key for aescbc or aesgcm. */
export function newAesKey(name: string): AesKeySpec {
  return { name, secret: randomBytes(32).toString('base64') };
}

/**
 * An EncryptionConfiguration that encrypts `resources` with aescbc under `keys` (the first writes)
 * and still reads values stored before encryption was turned on (identity last).
 */
export function aescbcConfigYaml(keys: readonly AesKeySpec[], resources: readonly string[] = ['secrets']): string {
  return stringify({
    apiVersion: ENCRYPTION_CONFIG_API_VERSION,
    kind: ENCRYPTION_CONFIG_KIND,
    resources: [{ resources: [...resources], providers: [{ aescbc: { keys: keys.map((k) => ({ name: k.name, secret: k.secret })) } }, { identity: {} }] }],
  });
}
