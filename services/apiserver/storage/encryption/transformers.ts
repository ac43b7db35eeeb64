import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// Kubernetes' encryption at rest (apiserver.config.k8s.io/v1 EncryptionConfiguration): a stored
// value is `k8s:enc:<provider>:v1:<key name>:` followed by the provider's ciphertext, so any
// apiserver holding the key can tell which key wrote it. The first provider of a resource writes;
// every provider reads the values that carry its prefix (identity: those that carry none).

/** What every encrypted value starts with; identity refuses to read such a value as plaintext. */
export const ENCRYPTED_PREFIX = 'k8s:enc:';

export class DecryptionError extends Error {
  override readonly name = 'DecryptionError';
}

/** One provider key (or identity): writes its prefix and ciphertext, reads values carrying its prefix. */
export interface ValueProvider {
  /** The provider and key, for errors: `aescbc key "key1"`. Never the key itself. */
  readonly description: string;
  readonly prefix: Buffer;
  /** The bytes after the prefix. `context` is the storage key (aesgcm authenticates it). */
  seal(plaintext: Buffer, context: string): Buffer;
  /** Throws when the body was not sealed by this key. */
  open(body: Buffer, context: string): Buffer;
}

/** A value read back: its plaintext, and whether a provider other than the writing one sealed it. */
export interface Unsealed {
  data: Buffer;
  stale: boolean;
}

/** The providers of one resource, in the configuration's order. */
export class ValueTransformer {
  constructor(readonly providers: readonly ValueProvider[]) {
    if (providers.length === 0) throw new Error('a transformer needs at least one provider');
  }

  toStorage(plaintext: Buffer, context: string): Buffer {
    const writer = this.providers[0]!;
    return Buffer.concat([writer.prefix, writer.seal(plaintext, context)]);
  }

  fromStorage(stored: Buffer, context: string): Unsealed {
    const tried: string[] = [];
    for (const [index, provider] of this.providers.entries()) {
      if (!startsWith(stored, provider.prefix)) continue;
      try {
        return { data: provider.open(stored.subarray(provider.prefix.length), context), stale: index !== 0 };
      } catch {
        // Another key may share the prefix (the same name given twice); the error names every key tried.
        tried.push(provider.description);
      }
    }
    // Neither the value nor the cause goes into the message: it could carry secret bytes.
    const writer = writerOf(stored);
    const triedText = tried.length > 0 ? ` (tried ${tried.join(', ')})` : '';
    throw new DecryptionError(
      writer
        ? `the value at ${context} was encrypted with ${writer} and cannot be decrypted: is that key still configured?${triedText}`
        : `the value at ${context} could not be decrypted${triedText}`,
    );
  }
}

/** The provider and key named by an encrypted value's prefix (names, never secrets). */
function writerOf(stored: Buffer): string | undefined {
  const match = /^k8s:enc:([a-z0-9]{1,20}):v1:([^:]{1,100}):/.exec(stored.subarray(0, 140).toString('latin1'));
  return match ? `${match[1]} key "${match[2]}"` : undefined;
}

function startsWith(data: Buffer, prefix: Buffer): boolean {
  return data.length >= prefix.length && data.subarray(0, prefix.length).equals(prefix);
}

/** Values stored as they are; refuses a value that is encrypted, which a key must read instead. */
export function identityProvider(): ValueProvider {
  const marker = Buffer.from(ENCRYPTED_PREFIX);
  return {
    description: 'identity',
    prefix: Buffer.alloc(0),
    seal: (plaintext) => plaintext,
    open: (body) => {
      if (startsWith(body, marker)) throw new DecryptionError('identity cannot read an encrypted value');
      return body;
    },
  };
}

const AES_BLOCK = 16;
const GCM_NONCE = 12;
const GCM_TAG = 16;

function aesCipherName(mode: 'cbc' | 'gcm', key: Buffer): string {
  if (![16, 24, 32].includes(key.length)) throw new Error(`an AES key is 16, 24 or 32 bytes, not ${key.length}`);
  return `aes-${key.length * 8}-${mode}`;
}

function providerPrefix(provider: string, keyName: string): Buffer {
  return Buffer.from(`${ENCRYPTED_PREFIX}${provider}:v1:${keyName}:`);
}

/** AES-CBC with PKCS#7 padding and a random IV before the ciphertext, as Kubernetes' aescbc. */
export function aescbcProvider(keyName: string, key: Buffer): ValueProvider {
  const cipher = aesCipherName('cbc', key);
  return {
    description: `aescbc key "${keyName}"`,
    prefix: providerPrefix('aescbc', keyName),
    seal: (plaintext) => {
      const iv = randomBytes(AES_BLOCK);
      const c = createCipheriv(cipher, key, iv);
      return Buffer.concat([iv, c.update(plaintext), c.final()]);
    },
    open: (body) => {
      if (body.length < 2 * AES_BLOCK || body.length % AES_BLOCK !== 0) throw new DecryptionError('not an aescbc ciphertext');
      const d = createDecipheriv(cipher, key, body.subarray(0, AES_BLOCK));
      return Buffer.concat([d.update(body.subarray(AES_BLOCK)), d.final()]);
    },
  };
}

/**
 * AES-GCM with a random 12-byte nonce before the ciphertext and its tag, the storage key as
 * authenticated data (a value copied to another key does not decrypt), as Kubernetes' aesgcm.
 */
export function aesgcmProvider(keyName: string, key: Buffer): ValueProvider {
  const cipher = aesCipherName('gcm', key) as 'aes-256-gcm';
  return {
    description: `aesgcm key "${keyName}"`,
    prefix: providerPrefix('aesgcm', keyName),
    seal: (plaintext, context) => {
      const nonce = randomBytes(GCM_NONCE);
      const c = createCipheriv(cipher, key, nonce);
      c.setAAD(Buffer.from(context));
      const sealed = Buffer.concat([c.update(plaintext), c.final()]);
      return Buffer.concat([nonce, sealed, c.getAuthTag()]);
    },
    open: (body, context) => {
      if (body.length < GCM_NONCE + GCM_TAG) throw new DecryptionError('not an aesgcm ciphertext');
      const d = createDecipheriv(cipher, key, body.subarray(0, GCM_NONCE));
      d.setAAD(Buffer.from(context));
      d.setAuthTag(body.subarray(body.length - GCM_TAG));
      return Buffer.concat([d.update(body.subarray(GCM_NONCE, body.length - GCM_TAG)), d.final()]);
    },
  };
}
