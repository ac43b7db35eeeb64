import type {
  Container,
  ContainerPort,
  EnvFromSource,
  EnvVar,
  HTTPGetAction,
  IntOrString,
  KeySelector,
  LifecycleHandler,
  Probe,
  SecurityContext,
  Volume,
  VolumeMount,
} from '../../../lib/api/generated/index.js';
import * as field from '../../../lib/validation/field-errors.js';
import type { FieldError, FieldPath } from '../../../lib/validation/field-errors.js';
import { isConfigMapKey, isEnvVarName, isValidPortName, isValidPortNum, regexError } from '../../../lib/validation/names.js';
import { ENV_FIELD_PATHS, validateContainerResourceFieldSelector, validateObjectFieldSelector } from './downward-api.js';
import { invalidEach, isValidID, nameIsDNSSubdomain, validateDNS1123Label, validateNonnegativeField } from './helpers.js';
import { validateLocalDescendingPath } from './paths.js';
import { validateContainerResourceRequirements } from './resources.js';

// Containers of a pod spec (validateContainers, validateInitContainers and what they call in
// pkg/apis/core/validation), with Kubernetes' messages and field paths.

const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const SUPPORTED_PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const SUPPORTED_TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const SUPPORTED_HTTP_SCHEMES = ['HTTP', 'HTTPS'];
const INIT_CONTAINER_FORBIDDEN = 'may not be set for init containers without restartPolicy=Always';

const HTTP_HEADER_NAME_FMT = '[-A-Za-z0-9]+';
const HTTP_HEADER_NAME_REGEXP = new RegExp(`^${HTTP_HEADER_NAME_FMT}$`);

function isHTTPHeaderName(value: string): string[] {
  if (HTTP_HEADER_NAME_REGEXP.test(value)) return [];
  return [regexError("a valid HTTP header must consist of alphanumeric characters or '-'", HTTP_HEADER_NAME_FMT, 'X-Header-Name')];
}

/** A port given as a number (1-65535) or as the name of a container port. */
export function validatePortNumOrName(port: IntOrString | undefined, path: FieldPath): FieldError[] {
  if (port?.strVal) return invalidEach(path, port.strVal, isValidPortName(port.strVal));
  const number = port?.intVal ?? 0;
  return invalidEach(path, number, isValidPortNum(number));
}

export function validateProtocol(protocol: string | undefined, path: FieldPath): FieldError[] {
  if (!protocol) return [field.required(path)];
  return SUPPORTED_PORT_PROTOCOLS.includes(protocol) ? [] : [field.notSupported(path, protocol, SUPPORTED_PORT_PROTOCOLS)];
}

function validateContainerPorts(ports: ContainerPort[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const portPath = path.index(i);
    if (port.name) {
      const messages = isValidPortName(port.name);
      if (messages.length > 0) errs.push(...invalidEach(portPath.child('name'), port.name, messages));
      else if (names.has(port.name)) errs.push(field.duplicate(portPath.child('name'), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(field.required(portPath.child('containerPort')));
    else errs.push(...invalidEach(portPath.child('containerPort'), port.containerPort, isValidPortNum(port.containerPort)));
    if (port.hostPort) errs.push(...invalidEach(portPath.child('hostPort'), port.hostPort, isValidPortNum(port.hostPort)));
    errs.push(...validateProtocol(port.protocol, portPath.child('protocol')));
  });
  return errs;
}

function validateKeySelector(selector: KeySelector, path: FieldPath): FieldError[] {
  const errs = invalidEach(path.child('name'), selector.name ?? '', nameIsDNSSubdomain(selector.name ?? '', false));
  if (!selector.key) errs.push(field.required(path.child('key')));
  else errs.push(...invalidEach(path.child('key'), selector.key, isConfigMapKey(selector.key)));
  return errs;
}

function validateEnvVarValueFrom(env: EnvVar, path: FieldPath): FieldError[] {
  const from = env.valueFrom;
  if (!from) return [];
  const errs: FieldError[] = [];
  let sources = 0;
  if (from.fieldRef) {
    sources++;
    errs.push(...validateObjectFieldSelector(from.fieldRef, ENV_FIELD_PATHS, path.child('fieldRef')));
  }
  if (from.resourceFieldRef) {
    sources++;
    errs.push(...validateContainerResourceFieldSelector(from.resourceFieldRef, path.child('resourceFieldRef'), false));
  }
  if (from.configMapKeyRef) {
    sources++;
    errs.push(...validateKeySelector(from.configMapKeyRef, path.child('configMapKeyRef')));
  }
  if (from.secretKeyRef) {
    sources++;
    errs.push(...validateKeySelector(from.secretKeyRef, path.child('secretKeyRef')));
  }
  if (sources === 0) {
    errs.push(field.invalid(path, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  } else if (env.value) {
    errs.push(field.invalid(path, '', 'may not be specified when `value` is not empty'));
  } else if (sources > 1) {
    errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  }
  return errs;
}

function validateEnv(vars: EnvVar[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((env, i) => {
    const envPath = path.index(i);
    if (!env.name) errs.push(field.required(envPath.child('name')));
    else errs.push(...invalidEach(envPath.child('name'), env.name, isEnvVarName(env.name)));
    errs.push(...validateEnvVarValueFrom(env, envPath.child('valueFrom')));
  });
  return errs;
}

function validateEnvFrom(sources: EnvFromSource[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (sources ?? []).forEach((source, i) => {
    const sourcePath = path.index(i);
    if (source.prefix) errs.push(...invalidEach(sourcePath.child('prefix'), source.prefix, isEnvVarName(source.prefix)));
    let count = 0;
    for (const [key, ref] of [['configMapRef', source.configMapRef], ['secretRef', source.secretRef]] as const) {
      if (!ref) continue;
      count++;
      if (!ref.name) errs.push(field.required(sourcePath.child(key, 'name')));
      else errs.push(...invalidEach(sourcePath.child(key, 'name'), ref.name, nameIsDNSSubdomain(ref.name, true)));
    }
    if (count === 0) errs.push(field.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (count > 1) errs.push(field.invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateVolumeMounts(mounts: VolumeMount[] | undefined, volumes: ReadonlyMap<string, Volume>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mountPaths = new Set<string>();
  (mounts ?? []).forEach((mount, i) => {
    const mountPath = path.index(i);
    const name = mount.name ?? '';
    const target = mount.mountPath ?? '';
    if (!name) errs.push(field.required(mountPath.child('name')));
    if (!volumes.has(name)) errs.push(field.notFound(mountPath.child('name'), name));
    if (!target) errs.push(field.required(mountPath.child('mountPath')));
    if (mountPaths.has(target)) errs.push(field.invalid(mountPath.child('mountPath'), target, 'must be unique'));
    mountPaths.add(target);
    // Kubernetes reports a bad subPath on the list's path, without the index.
    if (mount.subPath) errs.push(...validateLocalDescendingPath(mount.subPath, path.child('subPath')));
  });
  return errs;
}

function validateHTTPGetAction(action: HTTPGetAction, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!action.path) errs.push(field.required(path.child('path')));
  errs.push(...validatePortNumOrName(action.port, path.child('port')));
  const scheme = action.scheme ?? '';
  if (!SUPPORTED_HTTP_SCHEMES.includes(scheme)) errs.push(field.notSupported(path.child('scheme'), scheme, SUPPORTED_HTTP_SCHEMES));
  for (const header of action.httpHeaders ?? []) {
    errs.push(...invalidEach(path.child('httpHeaders'), header.name ?? '', isHTTPHeaderName(header.name ?? '')));
  }
  return errs;
}

/** Exactly one of exec, httpGet and tcpSocket. */
function validateHandler(handler: LifecycleHandler, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let handlers = 0;
  const use = (name: string, check: () => FieldError[]): void => {
    if (handlers > 0) {
      errs.push(field.forbidden(path.child(name), 'may not specify more than 1 handler type'));
    } else {
      handlers++;
      errs.push(...check());
    }
  };
  const { exec, httpGet, tcpSocket } = handler;
  if (exec) use('exec', () => ((exec.command?.length ?? 0) === 0 ? [field.required(path.child('exec', 'command'))] : []));
  if (httpGet) use('httpGet', () => validateHTTPGetAction(httpGet, path.child('httpGet')));
  if (tcpSocket) use('tcpSocket', () => validatePortNumOrName(tcpSocket.port, path.child('tcpSocket', 'port')));
  if (handlers === 0) errs.push(field.required(path, 'must specify a handler type'));
  return errs;
}

function validateProbe(probe: Probe, path: FieldPath): FieldError[] {
  const errs = validateHandler(probe, path);
  for (const key of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...validateNonnegativeField(probe[key], path.child(key)));
  }
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(field.invalid(path.child('terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

function validateProbes(container: Container, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mustSucceedOnce = (probe: Probe, probePath: FieldPath): void => {
    if ((probe.successThreshold ?? 0) !== 1) {
      errs.push(field.invalid(probePath.child('successThreshold'), probe.successThreshold ?? 0, 'must be 1'));
    }
  };
  const { livenessProbe, readinessProbe, startupProbe } = container;
  if (livenessProbe) {
    errs.push(...validateProbe(livenessProbe, path.child('livenessProbe')));
    mustSucceedOnce(livenessProbe, path.child('livenessProbe'));
  }
  if (readinessProbe) {
    const probePath = path.child('readinessProbe');
    errs.push(...validateProbe(readinessProbe, probePath));
    if (readinessProbe.terminationGracePeriodSeconds !== undefined) {
      errs.push(
        field.invalid(probePath.child('terminationGracePeriodSeconds'), readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'),
      );
    }
  }
  if (startupProbe) {
    errs.push(...validateProbe(startupProbe, path.child('startupProbe')));
    mustSucceedOnce(startupProbe, path.child('startupProbe'));
  }
  return errs;
}

function validatePullPolicy(policy: string | undefined, path: FieldPath): FieldError[] {
  if (!policy) return [field.required(path)];
  return SUPPORTED_PULL_POLICIES.includes(policy) ? [] : [field.notSupported(path, policy, SUPPORTED_PULL_POLICIES)];
}

function validateSecurityContext(context: SecurityContext | undefined, path: FieldPath): FieldError[] {
  if (!context) return [];
  const errs: FieldError[] = [];
  if (context.runAsUser !== undefined) errs.push(...invalidEach(path.child('runAsUser'), context.runAsUser, isValidID(context.runAsUser)));
  if (context.runAsGroup !== undefined) errs.push(...invalidEach(path.child('runAsGroup'), context.runAsGroup, isValidID(context.runAsGroup)));
  return errs;
}

function validateTerminationMessagePolicy(policy: string | undefined, path: FieldPath): FieldError[] {
  if (!policy) return [field.required(path)];
  return SUPPORTED_TERMINATION_MESSAGE_POLICIES.includes(policy)
    ? []
    : [field.notSupported(path, policy, SUPPORTED_TERMINATION_MESSAGE_POLICIES)];
}

/** What every container, regular or init, must satisfy. */
function validateContainerCommon(container: Container, volumes: ReadonlyMap<string, Volume>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!container.name) errs.push(field.required(path.child('name')));
  else errs.push(...validateDNS1123Label(container.name, path.child('name')));
  if (!container.image) errs.push(field.required(path.child('image')));
  errs.push(...validateTerminationMessagePolicy(container.terminationMessagePolicy, path.child('terminationMessagePolicy')));
  errs.push(...validateContainerPorts(container.ports, path.child('ports')));
  errs.push(...validateEnv(container.env, path.child('env')));
  errs.push(...validateEnvFrom(container.envFrom, path.child('envFrom')));
  errs.push(...validateVolumeMounts(container.volumeMounts, volumes, path.child('volumeMounts')));
  errs.push(...validatePullPolicy(container.imagePullPolicy, path.child('imagePullPolicy')));
  errs.push(...validateContainerResourceRequirements(container.resources, path.child('resources')));
  errs.push(...validateSecurityContext(container.securityContext, path.child('securityContext')));
  return errs;
}

/** Two containers may not claim the same host port, protocol and host IP. */
function checkHostPortConflicts(containers: readonly Container[], path: FieldPath, indexOffset = 0): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((container, i) => {
    (container.ports ?? []).forEach((port, j) => {
      if (!port.hostPort) return;
      const key = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${port.hostPort}`;
      const portPath = path.index(i + indexOffset).child('ports').index(j).child('hostPort');
      if (seen.has(key)) errs.push(field.duplicate(portPath, key));
      else seen.add(key);
    });
  });
  return errs;
}

export function validateContainers(
  containers: Container[] | undefined,
  volumes: ReadonlyMap<string, Volume>,
  path: FieldPath,
): FieldError[] {
  const list = containers ?? [];
  if (list.length === 0) return [field.required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((container, i) => {
    const containerPath = path.index(i);
    errs.push(...validateContainerCommon(container, volumes, containerPath));
    const name = container.name ?? '';
    if (names.has(name)) errs.push(field.duplicate(containerPath.child('name'), name));
    else names.add(name);
    const { lifecycle } = container;
    if (lifecycle?.postStart) errs.push(...validateHandler(lifecycle.postStart, containerPath.child('lifecycle', 'postStart')));
    if (lifecycle?.preStop) errs.push(...validateHandler(lifecycle.preStop, containerPath.child('lifecycle', 'preStop')));
    errs.push(...validateProbes(container, containerPath));
  });
  errs.push(...checkHostPortConflicts(list, path));
  return errs;
}

export function validateInitContainers(
  initContainers: Container[] | undefined,
  containers: Container[] | undefined,
  volumes: ReadonlyMap<string, Volume>,
  path: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set((containers ?? []).map((c) => c.name ?? ''));
  (initContainers ?? []).forEach((container, i) => {
    const containerPath = path.index(i);
    errs.push(...validateContainerCommon(container, volumes, containerPath));
    const name = container.name ?? '';
    if (names.has(name)) errs.push(field.duplicate(containerPath.child('name'), name));
    else if (name) names.add(name);
    // Init containers run one at a time, so only ports within one of them can conflict.
    errs.push(...checkHostPortConflicts([container], path, i));
    if (container.lifecycle) errs.push(field.forbidden(containerPath.child('lifecycle'), INIT_CONTAINER_FORBIDDEN));
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (container[probe]) errs.push(field.forbidden(containerPath.child(probe), INIT_CONTAINER_FORBIDDEN));
    }
  });
  return errs;
}

/** Pods (not templates) may not have images with surrounding whitespace. */
export function validateContainersOnlyForPod(containers: Container[] | undefined, path: FieldPath): FieldError[] {
  return (containers ?? []).flatMap((container, i) => {
    const image = container.image ?? '';
    return image !== image.trim() ? [field.invalid(path.index(i).child('image'), image, 'must not have leading or trailing whitespace')] : [];
  });
}
