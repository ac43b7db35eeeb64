import { randomInt, randomUUID } from 'node:crypto';

/** Kubernetes' metav1.Time: RFC3339 with second precision, UTC. */
export function rfc3339(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Kubernetes' generateName suffix alphabet avoids vowels and look-alike characters.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generatedName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return prefix + suffix;
}

export function newUid(): string {
  return randomUUID();
}
