import type { Attributes } from './attributes.js';

/** An authorizer's answer: allow, deny outright, or leave it to the next one. The reason reaches the user. */
export interface Decision {
  readonly verdict: 'allow' | 'deny' | 'noOpinion';
  readonly reason: string;
}

export const ALLOW: Decision = { verdict: 'allow', reason: '' };
export const NO_OPINION: Decision = { verdict: 'noOpinion', reason: '' };
export const noOpinion = (reason: string): Decision => ({ verdict: 'noOpinion', reason });

export interface Authorizer {
  authorize(attrs: Attributes): Decision;
}

/**
 * Kubernetes' union authorizer: the first allow or deny wins; when every one abstains, the
 * request is denied with the reasons they gave.
 */
export function unionAuthorizer(authorizers: readonly Authorizer[]): Authorizer {
  return {
    authorize(attrs) {
      const reasons: string[] = [];
      for (const authorizer of authorizers) {
        const decision = authorizer.authorize(attrs);
        if (decision.verdict !== 'noOpinion') return decision;
        if (decision.reason) reasons.push(decision.reason);
      }
      return noOpinion(reasons.join(', '));
    },
  };
}
