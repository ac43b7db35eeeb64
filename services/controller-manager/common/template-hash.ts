import type { PodTemplateSpec } from '../../../lib/api/generated/index.js';

// Kubernetes' rand.SafeEncodeString alphabet: no vowels (no words) and no look-alike characters.
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted, so the same template always hashes the same however it was built. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(Buffer.isBuffer(value) ? value.toString('base64') : value);
}

/** 32-bit FNV-1a, the hash Kubernetes uses for pod templates. */
function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * The hash of a pod template, as Kubernetes' ComputeHash makes it: FNV-1a of the template (and of
 * collisionCount, which moves the name on after a collision), written in decimal and mapped onto
 * the safe alphabet. A Deployment's ReplicaSet is named `<deployment>-<hash>` (its pods'
 * pod-template-hash), a DaemonSet's or StatefulSet's ControllerRevision `<owner>-<hash>`.
 */
export function computePodTemplateHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let text = canonicalJson(template ?? {});
  if (collisionCount !== undefined) text += `\u0000${collisionCount}`;
  const digits = String(fnv1a32(text));
  let out = '';
  for (const ch of digits) out += SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length];
  return out;
}
