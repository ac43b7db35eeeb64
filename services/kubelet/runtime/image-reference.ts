import type { Container } from '../../../lib/api/generated/index.js';

export type PullPolicy = 'Always' | 'IfNotPresent' | 'Never';

interface ImageReference {
  /** Everything before the tag and digest, registry host included: `127.0.0.1:1/missing`. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits `[host[:port]/]path[:tag][@digest]`; a colon before the last slash belongs to the host. */
export function parseImageReference(image: string): ImageReference {
  let rest = image;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  return { repository: rest, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

/** Kubernetes' defaulting: `Always` for `:latest` or an untagged image, else `IfNotPresent`. */
export function defaultPullPolicy(image: string): PullPolicy {
  const ref = parseImageReference(image);
  if (ref.digest !== undefined) return 'IfNotPresent';
  return ref.tag === undefined || ref.tag === 'latest' ? 'Always' : 'IfNotPresent';
}

export function effectivePullPolicy(container: Container): PullPolicy {
  const policy = container.imagePullPolicy;
  if (policy === 'Always' || policy === 'IfNotPresent' || policy === 'Never') return policy;
  return defaultPullPolicy(container.image ?? '');
}

/** Docker pulls every tag of a repository when given none; the kubelet always names one. */
export function withDefaultTag(image: string): string {
  const ref = parseImageReference(image);
  return ref.tag === undefined && ref.digest === undefined ? `${image}:latest` : image;
}

export function shouldPullImage(policy: PullPolicy, present: boolean): boolean {
  if (policy === 'Never') return false;
  return policy === 'Always' || !present;
}
