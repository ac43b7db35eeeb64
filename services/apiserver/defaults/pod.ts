import type { Container, Pod } from '../../../lib/api/generated/index.js';
import { defaultPodSpec } from './pod-spec.js';
import { isWellFormedQuantity } from './quantities.js';

/** Kubernetes' SetDefaults_Pod on top of the pod spec defaults; templates do not get these. */
export function defaultPod(pod: Pod): void {
  pod.spec ??= {};
  const spec = pod.spec;
  defaultPodSpec(spec);
  for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) defaultRequestsFromLimits(container);
  spec.enableServiceLinks ??= true;
  if (spec.hostNetwork) {
    for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
      for (const port of container.ports ?? []) port.hostPort ||= port.containerPort;
    }
  }
}

/** A container that states only limits requests exactly its limits (those that parse: validation names the others). */
function defaultRequestsFromLimits(container: Container): void {
  const resources = container.resources;
  const limits = resources?.limits;
  if (!resources || !limits) return;
  const requests = (resources.requests ??= {});
  for (const [name, value] of Object.entries(limits)) {
    if (!Object.prototype.hasOwnProperty.call(requests, name) && isWellFormedQuantity(value)) requests[name] = value;
  }
}
