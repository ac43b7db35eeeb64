import type { Container, ContainerState, ContainerStatus, EnvVar, Pod, Probe, ResourceRequirements } from '../../../lib/api/generated/index.js';
import { Quantity, parseQuantity } from '../../../lib/quantity.js';
import { quantityString } from '../../../lib/printers/kinds/common.js';
import { compareStrings } from '../../../lib/printers/order.js';
import { formatTime, type DescribeWriter } from './writer.js';

// The Containers (and Init Containers) section of describe for pods and pod templates.

/** Resolves a downward-API field reference for the Environment list; undefined for templates. */
type FieldResolver = (fieldPath: string) => string;

/** The values kubectl shows for `fieldRef` env vars of a pod. */
export function podFieldResolver(pod: Pod): FieldResolver {
  return (fieldPath) => {
    const subscript = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fieldPath);
    if (subscript) {
      const map = subscript[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
      return map?.[subscript[2]!] ?? '';
    }
    const values: Record<string, string | undefined> = {
      'metadata.name': pod.metadata?.name,
      'metadata.namespace': pod.metadata?.namespace,
      'metadata.uid': pod.metadata?.uid,
      'spec.nodeName': pod.spec?.nodeName,
      'spec.serviceAccountName': pod.spec?.serviceAccountName,
      'status.hostIP': pod.status?.hostIP,
      'status.podIP': pod.status?.podIP,
    };
    return values[fieldPath] ?? '';
  };
}

// Kubernetes defaults protocols and probe timings; objects that were never defaulted describe the same way.
const protocolOf = (p: { protocol?: string }): string => p.protocol || 'TCP';

const goList = (items: readonly string[] | undefined): string => `[${(items ?? []).join(' ')}]`;

function intOrString(value: { intVal?: number; strVal?: string } | undefined): string {
  return value?.strVal || String(value?.intVal ?? 0);
}

/** A probe in one line: `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3`. */
function describeProbe(probe: Probe): string {
  const attrs =
    `delay=${probe.initialDelaySeconds ?? 0}s timeout=${probe.timeoutSeconds ?? 1}s period=${probe.periodSeconds ?? 10}s ` +
    `#success=${probe.successThreshold ?? 1} #failure=${probe.failureThreshold ?? 3}`;
  if (probe.exec) return `exec ${goList(probe.exec.command)} ${attrs}`;
  if (probe.httpGet) {
    const get = probe.httpGet;
    const host = get.host ?? '';
    const port = intOrString(get.port);
    const path = get.path ?? '';
    const authority = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    const url = `${(get.scheme || 'HTTP').toLowerCase()}://${authority}${path && !path.startsWith('/') ? '/' : ''}${path}`;
    return `http-get ${url} ${attrs}`;
  }
  if (probe.tcpSocket) return `tcp-socket ${probe.tcpSocket.host ?? ''}:${intOrString(probe.tcpSocket.port)} ${attrs}`;
  return `unknown ${attrs}`;
}

function writeState(w: DescribeWriter, title: string, state: ContainerState | undefined): void {
  if (state?.running) {
    w.write(2, `${title}:\tRunning\n`);
    w.write(3, `Started:\t${formatTime(state.running.startedAt)}\n`);
  } else if (state?.terminated) {
    const t = state.terminated;
    w.write(2, `${title}:\tTerminated\n`);
    if (t.reason) w.write(3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(3, `Message:\t${t.message}\n`);
    w.write(3, `Exit Code:\t${t.exitCode ?? 0}\n`);
    if ((t.signal ?? 0) > 0) w.write(3, `Signal:\t${t.signal}\n`);
    w.write(3, `Started:\t${formatTime(t.startedAt)}\n`);
    w.write(3, `Finished:\t${formatTime(t.finishedAt)}\n`);
  } else {
    w.write(2, `${title}:\tWaiting\n`);
    if (state?.waiting?.reason) w.write(3, `Reason:\t${state.waiting.reason}\n`);
  }
}

function writeResources(w: DescribeWriter, resources: ResourceRequirements | undefined, level: number): void {
  for (const [title, list] of [
    ['Limits', resources?.limits],
    ['Requests', resources?.requests],
  ] as const) {
    const names = Object.keys(list ?? {}).sort(compareStrings);
    if (names.length > 0) w.write(level, `${title}:\n`);
    for (const name of names) w.write(level + 1, `${name}:\t${quantityString(list![name])}\n`);
  }
}

/** The value of a `resourceFieldRef` env var, in units of its divisor rounded up. */
function resourceFieldValue(container: Container, resource: string, divisor: string | undefined): string {
  const [kind, name] = resource.split('.');
  const list = kind === 'limits' ? container.resources?.limits : kind === 'requests' ? container.resources?.requests : undefined;
  const raw = name ? list?.[name] : undefined;
  try {
    const amount = raw ? parseQuantity(raw) : Quantity.fromValue(0);
    const by = divisor && divisor !== '0' ? parseQuantity(divisor) : Quantity.fromValue(1);
    const value = name === 'cpu' ? Math.ceil(Number(amount.milliValue()) / Number(by.milliValue())) : Math.ceil(Number(amount.value()) / Number(by.value()));
    return String(value);
  } catch {
    return '';
  }
}

function writeEnv(w: DescribeWriter, container: Container, resolve: FieldResolver | undefined): void {
  const env = container.env ?? [];
  w.write(2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
  for (const e of env) writeEnvVar(w, container, e, resolve);
}

function writeEnvVar(w: DescribeWriter, container: Container, e: EnvVar, resolve: FieldResolver | undefined): void {
  const from = e.valueFrom;
  if (!from) {
    (e.value ?? '').split('\n').forEach((line, i) => w.write(3, i === 0 ? `${e.name ?? ''}:\t${line}\n` : `\t${line}\n`));
    return;
  }
  if (from.fieldRef) {
    const value = resolve ? resolve(from.fieldRef.fieldPath ?? '') : '';
    w.write(3, `${e.name ?? ''}:\t${value} (${from.fieldRef.apiVersion || 'v1'}:${from.fieldRef.fieldPath ?? ''})\n`);
  } else if (from.resourceFieldRef) {
    const resource = from.resourceFieldRef.resource ?? '';
    let value = resourceFieldValue(container, resource, from.resourceFieldRef.divisor);
    if (value === '0' && (resource === 'limits.cpu' || resource === 'limits.memory')) value = 'node allocatable';
    w.write(3, `${e.name ?? ''}:\t${value} (${resource})\n`);
  } else if (from.secretKeyRef) {
    const ref = from.secretKeyRef;
    w.write(3, `${e.name ?? ''}:\t<set to the key '${ref.key ?? ''}' in secret '${ref.name ?? ''}'>\tOptional: ${ref.optional ?? false}\n`);
  } else if (from.configMapKeyRef) {
    const ref = from.configMapKeyRef;
    w.write(3, `${e.name ?? ''}:\t<set to the key '${ref.key ?? ''}' of config map '${ref.name ?? ''}'>\tOptional: ${ref.optional ?? false}\n`);
  }
}

function writeEnvFrom(w: DescribeWriter, container: Container): void {
  const sources = container.envFrom ?? [];
  if (sources.length === 0) return;
  w.write(2, 'Environment Variables from:\n');
  for (const source of sources) {
    const ref = source.configMapRef ?? source.secretRef;
    const kind = source.configMapRef ? 'ConfigMap' : source.secretRef ? 'Secret' : '';
    const optional = ref?.optional ?? false;
    const what = source.prefix ? `${kind} with prefix '${source.prefix}'` : kind;
    w.write(3, `${ref?.name ?? ''}\t${what}\tOptional: ${optional}\n`);
  }
}

function writeMounts(w: DescribeWriter, container: Container): void {
  const mounts = [...(container.volumeMounts ?? [])].sort((a, b) => compareStrings(a.mountPath ?? '', b.mountPath ?? ''));
  w.write(2, `Mounts:${mounts.length === 0 ? '\t<none>' : ''}\n`);
  for (const m of mounts) {
    const flags = [m.readOnly ? 'ro' : 'rw', ...(m.subPath ? [`path=${JSON.stringify(m.subPath)}`] : [])];
    w.write(3, `${m.mountPath ?? ''} from ${m.name ?? ''} (${flags.join(',')})\n`);
  }
}

function writePorts(w: DescribeWriter, container: Container): void {
  const ports = container.ports ?? [];
  const list = ports.map((p) => `${p.containerPort ?? 0}/${protocolOf(p)}`).join(', ');
  const hostList = ports.map((p) => `${p.hostPort ?? 0}/${protocolOf(p)}`).join(', ');
  w.write(2, list.includes(',') ? `Ports:\t${list}\n` : `Port:\t${list || '<none>'}\n`);
  w.write(2, hostList.includes(',') ? `Host Ports:\t${hostList}\n` : `Host Port:\t${hostList || '<none>'}\n`);
}

function writeCommand(w: DescribeWriter, container: Container): void {
  for (const [title, args] of [
    ['Command', container.command],
    ['Args', container.args],
  ] as const) {
    if (!args?.length) continue;
    w.write(2, `${title}:\n`);
    for (const arg of args) for (const line of arg.split('\n')) w.write(3, `${line}\n`);
  }
}

/**
 * `Containers:` (or another title) and each container's details. `space` indents the title as pod
 * templates do; statuses add IDs and state for a running pod.
 */
export function writeContainers(
  w: DescribeWriter,
  title: string,
  containers: Container[] | undefined,
  statuses: ContainerStatus[] | undefined,
  resolve: FieldResolver | undefined,
  space = '',
): void {
  const list = containers ?? [];
  const byName = new Map((statuses ?? []).map((s) => [s.name ?? '', s]));
  w.write(0, `${space}${title}:${list.length === 0 ? ' <none>' : ''}\n`);
  for (const container of list) {
    const status = byName.get(container.name ?? '');
    w.write(1, `${space ? ' ' : ''}${container.name ?? ''}:\n`);
    if (status) w.write(2, `Container ID:\t${status.containerID ?? ''}\n`);
    w.write(2, `Image:\t${container.image ?? ''}\n`);
    if (status) w.write(2, `Image ID:\t${status.imageID ?? ''}\n`);
    writePorts(w, container);
    writeCommand(w, container);
    if (status) {
      writeState(w, 'State', status.state);
      if (status.lastState?.terminated) writeState(w, 'Last State', status.lastState);
      w.write(2, `Ready:\t${status.ready ? 'True' : 'False'}\n`);
      w.write(2, `Restart Count:\t${status.restartCount ?? 0}\n`);
    }
    writeResources(w, container.resources, 2);
    if (container.livenessProbe) w.write(2, `Liveness:\t${describeProbe(container.livenessProbe)}\n`);
    if (container.readinessProbe) w.write(2, `Readiness:\t${describeProbe(container.readinessProbe)}\n`);
    if (container.startupProbe) w.write(2, `Startup:\t${describeProbe(container.startupProbe)}\n`);
    writeEnvFrom(w, container);
    writeEnv(w, container, resolve);
    writeMounts(w, container);
  }
}
