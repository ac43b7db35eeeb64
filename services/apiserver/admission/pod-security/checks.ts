import type { Container, ObjectMeta, PodSpec, SecurityContext } from '../../../../lib/api/generated/index.js';

// The checks of Kubernetes' Pod Security Standards (latest version), each worded as Kubernetes'
// PodSecurity admission words its finding: a short reason and a detail naming the pod or the
// containers at fault, so users read here what they would read from a Kubernetes cluster.

export type Level = 'privileged' | 'baseline' | 'restricted';

export interface PodLike {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}

export interface Violation {
  reason: string;
  detail: string;
}

interface Check {
  /** Kubernetes' check id: results are reported in the order of these ids. */
  id: string;
  level: 'baseline' | 'restricted';
  /** Baseline checks a stricter restricted check replaces. */
  overrides?: string[];
  run(pod: PodLike): Violation | undefined;
}

const quote = (values: readonly string[]): string => values.map((v) => JSON.stringify(v)).join(', ');
const plural = (one: string, many: string, n: number): string => (n === 1 ? one : many);
const named = (containers: readonly string[]): string => `${plural('container', 'containers', containers.length)} ${quote(containers)}`;

/** "pod", `container "a"` or `pod and containers "a", "b"`: who set a forbidden value. */
function setters(pod: boolean, containers: readonly string[], joiner = 'and'): string {
  const parts = [...(pod ? ['pod'] : []), ...(containers.length > 0 ? [named(containers)] : [])];
  return parts.join(` ${joiner} `);
}

/** Init containers first, then the app containers, as Kubernetes visits them. */
function allContainers(pod: PodLike): Container[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
}

function containersWhere(pod: PodLike, bad: (c: Container, sc: SecurityContext | undefined) => boolean): string[] {
  return allContainers(pod)
    .filter((c) => bad(c, c.securityContext ?? undefined))
    .map((c) => c.name ?? '');
}

const unique = (values: readonly string[]): string[] => [...new Set(values)];

const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
const SECCOMP_ALLOWED = new Set(['RuntimeDefault', 'Localhost']);
/** Volume sources the restricted level allows; the others kubets knows are named here by their field. */
const RESTRICTED_VOLUME_TYPES = ['hostPath', 'nfs'] as const;
const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** The pod and containers that set a profile type outside the allowed ones, and the types they set. */
function forbiddenProfiles(
  pod: PodLike,
  typeOf: (sc: SecurityContext | PodSpec['securityContext'] | undefined) => string | undefined,
  allowed: (type: string) => boolean,
): { podBad: boolean; containers: string[]; values: string[] } {
  const values: string[] = [];
  const bad = (type: string | undefined): boolean => {
    if (type === undefined || type === '' || allowed(type)) return false;
    values.push(type);
    return true;
  };
  const podBad = bad(typeOf(pod.spec?.securityContext ?? undefined));
  const containers = containersWhere(pod, (_c, sc) => bad(typeOf(sc)));
  return { podBad, containers, values: unique(values) };
}

const forbiddenSeccomp = (pod: PodLike) => forbiddenProfiles(pod, (sc) => sc?.seccompProfile?.type, (type) => SECCOMP_ALLOWED.has(type));

const checks: Check[] = [
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    run(pod) {
      const bad = containersWhere(pod, (_c, sc) => sc?.allowPrivilegeEscalation !== false);
      if (bad.length === 0) return undefined;
      return { reason: 'allowPrivilegeEscalation != false', detail: `${named(bad)} must set securityContext.allowPrivilegeEscalation=false` };
    },
  },
  {
    id: 'appArmorProfile',
    level: 'baseline',
    run(pod) {
      const { podBad, containers, values } = forbiddenProfiles(pod, (sc) => sc?.appArmorProfile?.type, (type) => type === 'RuntimeDefault' || type === 'Localhost');
      const annotations = Object.entries(pod.metadata?.annotations ?? {})
        .filter(([key, value]) => key.startsWith(APPARMOR_ANNOTATION_PREFIX) && value !== '' && value !== 'runtime/default' && !value.startsWith('localhost/'))
        .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
        .sort();
      const details = [...(podBad || containers.length > 0 ? [`${setters(podBad, containers)} must not set securityContext.appArmorProfile.type to ${quote(values)}`] : []), ...annotations];
      if (details.length === 0) return undefined;
      return { reason: plural('forbidden AppArmor profile', 'forbidden AppArmor profiles', values.length + annotations.length), detail: details.join(', ') };
    },
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    run(pod) {
      const extra = new Set<string>();
      const bad = containersWhere(pod, (_c, sc) => {
        const added = (sc?.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.has(cap));
        for (const cap of added) extra.add(cap);
        return added.length > 0;
      });
      if (bad.length === 0) return undefined;
      return { reason: 'non-default capabilities', detail: `${named(bad)} must not include ${quote([...extra].sort())} in securityContext.capabilities.add` };
    },
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    run(pod) {
      const notDropping = containersWhere(pod, (_c, sc) => !(sc?.capabilities?.drop ?? []).includes('ALL'));
      const extra = new Set<string>();
      const adding = containersWhere(pod, (_c, sc) => {
        const added = (sc?.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
        for (const cap of added) extra.add(cap);
        return added.length > 0;
      });
      const details = [
        ...(notDropping.length > 0 ? [`${named(notDropping)} must set securityContext.capabilities.drop=["ALL"]`] : []),
        ...(adding.length > 0 ? [`${named(adding)} must not include ${quote([...extra].sort())} in securityContext.capabilities.add`] : []),
      ];
      return details.length > 0 ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : undefined;
    },
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    run(pod) {
      const spec = pod.spec ?? {};
      const set = [spec.hostNetwork && 'hostNetwork=true', spec.hostPID && 'hostPID=true', spec.hostIPC && 'hostIPC=true'].filter((s): s is string => Boolean(s));
      return set.length > 0 ? { reason: 'host namespaces', detail: set.join(', ') } : undefined;
    },
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    run(pod) {
      const bad = (pod.spec?.volumes ?? []).filter((v) => v.hostPath).map((v) => v.name ?? '');
      return bad.length > 0 ? { reason: 'hostPath volumes', detail: `${plural('volume', 'volumes', bad.length)} ${quote(bad)}` } : undefined;
    },
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    run(pod) {
      const ports: string[] = [];
      const bad = containersWhere(pod, (c) => {
        const used = (c.ports ?? []).filter((p) => (p.hostPort ?? 0) !== 0).map((p) => String(p.hostPort));
        ports.push(...used);
        return used.length > 0;
      });
      if (bad.length === 0) return undefined;
      const distinct = unique(ports);
      return { reason: 'hostPort', detail: `${named(bad)} ${plural('uses', 'use', bad.length)} ${plural('hostPort', 'hostPorts', distinct.length)} ${distinct.join(', ')}` };
    },
  },
  {
    id: 'hostProcess',
    level: 'baseline',
    run(pod) {
      const podSet = pod.spec?.securityContext?.windowsOptions?.hostProcess === true;
      const bad = containersWhere(pod, (_c, sc) => sc?.windowsOptions?.hostProcess === true);
      if (!podSet && bad.length === 0) return undefined;
      return { reason: 'hostProcess', detail: `${setters(podSet, bad)} must not set securityContext.windowsOptions.hostProcess=true` };
    },
  },
  {
    id: 'privileged',
    level: 'baseline',
    run(pod) {
      const bad = containersWhere(pod, (_c, sc) => sc?.privileged === true);
      return bad.length > 0 ? { reason: 'privileged', detail: `${named(bad)} must not set securityContext.privileged=true` } : undefined;
    },
  },
  {
    id: 'procMount',
    level: 'baseline',
    run(pod) {
      const values: string[] = [];
      const bad = containersWhere(pod, (_c, sc) => {
        const mount = sc?.procMount;
        if (mount === undefined || mount === null || mount === 'Default') return false;
        values.push(mount);
        return true;
      });
      if (bad.length === 0) return undefined;
      return { reason: 'procMount', detail: `${named(bad)} must not set securityContext.procMount to ${quote(unique(values))}` };
    },
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    overrides: ['hostPathVolumes'],
    run(pod) {
      const bad: string[] = [];
      const types: string[] = [];
      for (const v of pod.spec?.volumes ?? []) {
        const type = RESTRICTED_VOLUME_TYPES.find((field) => v[field]);
        if (!type) continue;
        bad.push(v.name ?? '');
        types.push(type);
      }
      if (bad.length === 0) return undefined;
      const distinct = unique(types);
      return {
        reason: 'restricted volume types',
        detail: `${plural('volume', 'volumes', bad.length)} ${quote(bad)} ${plural('uses', 'use', bad.length)} ${plural('restricted volume type', 'restricted volume types', distinct.length)} ${quote(distinct)}`,
      };
    },
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    run(pod) {
      const podValue = pod.spec?.securityContext?.runAsNonRoot;
      const podBad = podValue === false;
      const explicit = containersWhere(pod, (_c, sc) => sc?.runAsNonRoot === false);
      const implicit = podValue === true ? [] : containersWhere(pod, (_c, sc) => sc?.runAsNonRoot === undefined || sc?.runAsNonRoot === null);
      const details = [
        ...(podBad || explicit.length > 0 ? [`${setters(podBad, explicit)} must not set securityContext.runAsNonRoot=false`] : []),
        ...(implicit.length > 0 ? [`pod or ${named(implicit)} must set securityContext.runAsNonRoot=true`] : []),
      ];
      return details.length > 0 ? { reason: 'runAsNonRoot != true', detail: details.join('; ') } : undefined;
    },
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    run(pod) {
      const podBad = pod.spec?.securityContext?.runAsUser === 0;
      const bad = containersWhere(pod, (_c, sc) => sc?.runAsUser === 0);
      if (!podBad && bad.length === 0) return undefined;
      return { reason: 'runAsUser=0', detail: `${setters(podBad, bad)} must not set runAsUser=0` };
    },
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    run(pod) {
      const types = new Set<string>();
      let user = false;
      let role = false;
      const bad = (options: SecurityContext['seLinuxOptions']): boolean => {
        if (!options) return false;
        const typeBad = !SELINUX_TYPES.has(options.type ?? '');
        if (typeBad) types.add(options.type ?? '');
        user ||= Boolean(options.user);
        role ||= Boolean(options.role);
        return typeBad || Boolean(options.user) || Boolean(options.role);
      };
      const podBad = bad(pod.spec?.securityContext?.seLinuxOptions);
      const badContainers = containersWhere(pod, (_c, sc) => bad(sc?.seLinuxOptions));
      if (!podBad && badContainers.length === 0) return undefined;
      const problems = [
        ...(types.size > 0 ? [`${plural('type', 'types', types.size)} ${quote([...types])}`] : []),
        ...(user ? ['user may not be set'] : []),
        ...(role ? ['role may not be set'] : []),
      ];
      return { reason: 'seLinuxOptions', detail: `${setters(podBad, badContainers)} set forbidden securityContext.seLinuxOptions: ${problems.join('; ')}` };
    },
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    run(pod) {
      const { podBad, containers, values } = forbiddenSeccomp(pod);
      if (!podBad && containers.length === 0) return undefined;
      return { reason: 'seccompProfile', detail: `${setters(podBad, containers)} must not set securityContext.seccompProfile.type to ${quote(values)}` };
    },
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    overrides: ['seccompProfile_baseline'],
    run(pod) {
      const { podBad, containers, values } = forbiddenSeccomp(pod);
      const podType = pod.spec?.securityContext?.seccompProfile?.type;
      const podSafe = podType !== undefined && SECCOMP_ALLOWED.has(podType);
      const unset = podSafe ? [] : containersWhere(pod, (_c, sc) => !sc?.seccompProfile?.type);
      const details = [
        ...(podBad || containers.length > 0 ? [`${setters(podBad, containers)} must not set securityContext.seccompProfile.type to ${quote(values)}`] : []),
        ...(unset.length > 0 ? [`pod or ${named(unset)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`] : []),
      ];
      return details.length > 0 ? { reason: 'seccompProfile', detail: details.join('; ') } : undefined;
    },
  },
  {
    id: 'sysctls',
    level: 'baseline',
    run(pod) {
      const bad = (pod.spec?.securityContext?.sysctls ?? []).map((s) => s.name ?? '').filter((name) => !SAFE_SYSCTLS.has(name));
      return bad.length > 0 ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : undefined;
    },
  },
];

/** The checks a level runs, in Kubernetes' order, without the baseline checks a restricted one replaces. */
function checksFor(level: Level): Check[] {
  if (level === 'privileged') return [];
  const chosen = checks.filter((c) => c.level === 'baseline' || level === 'restricted');
  const replaced = new Set(chosen.flatMap((c) => c.overrides ?? []));
  return chosen.filter((c) => !replaced.has(c.id));
}

/** What a pod (or a pod template) does that the level forbids; empty when it may run. */
export function evaluatePod(level: Level, pod: PodLike): Violation[] {
  return checksFor(level)
    .map((c) => c.run(pod))
    .filter((v): v is Violation => v !== undefined);
}

/** Kubernetes' summary of violations: `privileged (container "c" must not ...), hostPath volumes (volume "v")`. */
export function describeViolations(violations: readonly Violation[]): string {
  return violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}
