import { randomInt, randomUUID } from 'node:crypto';

/** Kubernetes' metav1.Time: RFC3339 with second precision, UTC. */
export function rfc3339(date?: Date): string {
  return date ? secondsText(date) : nowText();
}

function secondsText(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// Every create stamps the time: the text of the current second is made once per second.
let lastSecond = NaN;
let lastText = '';

function nowText(): string {
  const second = Math.floor(Date.now() / 1000);
  if (second !== lastSecond) {
    lastSecond = second;
    lastText = secondsText(new Date(second * 1000));
  }
  return lastText;
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
