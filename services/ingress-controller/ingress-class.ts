import type { Ingress, IngressClass } from '../../lib/api/generated/index.js';

/** The value of IngressClass.spec.controller this controller implements. */
export const CONTROLLER_NAME = 'kubets.io/ingress-haproxy';
/** The annotation that makes an IngressClass the class of Ingresses that name none. */
export const DEFAULT_CLASS_ANNOTATION = 'ingressclass.kubernetes.io/is-default-class';
/** The pre-IngressClass way to name a class, still honoured by ingress-nginx and here. */
const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/**
 * The Ingresses this controller handles: those whose class (spec.ingressClassName, else the legacy
 * annotation) is an IngressClass with our controller, and those naming no class while one of our
 * classes is the default. As in Kubernetes, a class name that matches no IngressClass is not ours.
 */
export function ingressesOfOurClasses(ingresses: readonly Ingress[], classes: readonly IngressClass[], controller = CONTROLLER_NAME): Ingress[] {
  const ours = new Set(classes.filter((c) => c.spec?.controller === controller).map((c) => c.metadata?.name ?? ''));
  const defaultIsOurs = classes.some((c) => c.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true' && ours.has(c.metadata?.name ?? ''));
  return ingresses.filter((ingress) => {
    const className = ingress.spec?.ingressClassName ?? ingress.metadata?.annotations?.[LEGACY_CLASS_ANNOTATION];
    return className === undefined ? defaultIsOurs : ours.has(className);
  });
}
