import type {
  Container,
  HTTPGetAction,
  Lifecycle,
  ObjectFieldSelector,
  PodSpec,
  PodTemplateSpec,
  Probe,
  Volume,
} from '../../../lib/api/generated/index.js';
import { defaultPullPolicy } from './image-pull-policy.js';
import { defaultResourceList } from './quantities.js';

// Kubernetes' SetDefaults_PodSpec and the defaults of everything a pod spec contains. They apply
// to pods and to the pod templates of workload controllers alike; the defaults that only a Pod
// gets live in pod.ts.

/** 0644, the mode Kubernetes gives files projected from secrets, config maps and the downward API. */
const DEFAULT_VOLUME_FILE_MODE = 0o644;
const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

export function defaultPodTemplate(template: PodTemplateSpec): void {
  template.spec ??= {};
  defaultPodSpec(template.spec);
}

export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ||= 'ClusterFirst';
  spec.restartPolicy ||= 'Always';
  spec.securityContext ??= {};
  spec.terminationGracePeriodSeconds ??= DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
  spec.schedulerName ||= 'default-scheduler';
  for (const volume of spec.volumes ?? []) defaultVolume(volume);
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) defaultContainer(container);
}

function defaultContainer(container: Container): void {
  container.imagePullPolicy ||= defaultPullPolicy(container.image ?? '');
  container.terminationMessagePath ||= '/dev/termination-log';
  container.terminationMessagePolicy ||= 'File';
  for (const port of container.ports ?? []) port.protocol ||= 'TCP';
  for (const env of container.env ?? []) defaultFieldSelector(env.valueFrom?.fieldRef);
  // Kubernetes always shows `resources: {}`, even for a container that asks for nothing.
  container.resources ??= {};
  defaultResourceList(container.resources.limits);
  defaultResourceList(container.resources.requests);
  for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) defaultProbe(probe);
  defaultLifecycle(container.lifecycle);
}

function defaultProbe(probe: Probe | undefined): void {
  if (!probe) return;
  // Zero means unset here, exactly as in Kubernetes (its fields are plain int32s).
  probe.timeoutSeconds ||= 1;
  probe.periodSeconds ||= 10;
  probe.successThreshold ||= 1;
  probe.failureThreshold ||= 3;
  defaultHTTPGet(probe.httpGet);
}

function defaultLifecycle(lifecycle: Lifecycle | undefined): void {
  defaultHTTPGet(lifecycle?.postStart?.httpGet);
  defaultHTTPGet(lifecycle?.preStop?.httpGet);
}

function defaultHTTPGet(action: HTTPGetAction | undefined): void {
  if (!action) return;
  action.path ||= '/';
  action.scheme ||= 'HTTP';
}

function defaultFieldSelector(selector: ObjectFieldSelector | undefined): void {
  if (selector) selector.apiVersion ||= 'v1';
}

/** Every volume source a pod may name; a volume that names none is an emptyDir, as in Kubernetes. */
const VOLUME_SOURCES = ['hostPath', 'emptyDir', 'configMap', 'secret', 'downwardAPI', 'persistentVolumeClaim', 'nfs', 'projected'] as const;

function defaultVolume(volume: Volume): void {
  if (!VOLUME_SOURCES.some((source) => volume[source])) volume.emptyDir = {};
  const { hostPath, configMap, secret, downwardAPI, projected } = volume;
  if (hostPath) hostPath.type ??= '';
  if (secret) secret.defaultMode ??= DEFAULT_VOLUME_FILE_MODE;
  if (configMap) configMap.defaultMode ??= DEFAULT_VOLUME_FILE_MODE;
  if (downwardAPI) {
    downwardAPI.defaultMode ??= DEFAULT_VOLUME_FILE_MODE;
    for (const item of downwardAPI.items ?? []) defaultFieldSelector(item.fieldRef);
  }
  if (projected) {
    projected.defaultMode ??= DEFAULT_VOLUME_FILE_MODE;
    for (const source of projected.sources ?? []) for (const item of source.downwardAPI?.items ?? []) defaultFieldSelector(item.fieldRef);
  }
}
