import type { Pod, Service, ServicePort } from '../../../lib/api/generated/index.js';
import { selectorFromSet } from '../../../lib/labels/selector.js';
import { isPodTerminal } from './pod-util.js';

// What the Endpoints and EndpointSlice controllers share (Kubernetes' endpoint utilities): which
// Services select a pod, whether a pod is an endpoint at all, and what its ports and name are.

/** Headless Services' Endpoints and EndpointSlices carry this label. */
const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export function hasSelector(service: Service): boolean {
  return Object.keys(service.spec?.selector ?? {}).length > 0;
}

/** The Services among `services` (the pod's namespace) whose selector picks the pod. */
export function servicesSelecting(services: readonly Service[], pod: Pod): Service[] {
  return services.filter((service) => hasSelector(service) && selectorFromSet(service.spec?.selector).matches(pod.metadata?.labels));
}

/** The labels a Service's endpoint objects carry: the Service's own, plus the headless mark. */
export function endpointLabels(service: Service): Record<string, string> {
  const labels: Record<string, string> = { ...service.metadata?.labels };
  if (service.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  return labels;
}

/** A service port's target on one pod: a number, or a named port looked up in the pod's containers. */
export function findPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort;
  const protocol = servicePort.protocol || 'TCP';
  if (target?.strVal) {
    for (const container of pod.spec?.containers ?? []) {
      for (const port of container.ports ?? []) {
        if (port.name === target.strVal && (port.protocol || 'TCP') === protocol) return port.containerPort;
      }
    }
    return undefined;
  }
  return target?.intVal || servicePort.port;
}

/** Whether the pod belongs in the service's endpoints at all (ready or not). */
export function shouldBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return !isPodTerminal(pod);
}

/** A pod with hostname and subdomain naming the service gets a DNS name of its own. */
export function endpointHostname(pod: Pod, service: Service): string | undefined {
  return pod.spec?.hostname && pod.spec.subdomain === service.metadata?.name ? pod.spec.hostname : undefined;
}
