import { describe, expect, it } from 'vitest';
import type { Container, PodSpec } from '../../../../lib/api/generated/index.js';
import { describeViolations, evaluatePod, type Level, type PodLike } from './checks.js';

const container = (name: string, extra: Partial<Container> = {}): Container => ({ name, image: 'busybox:1', ...extra });
const pod = (spec: Partial<PodSpec>, annotations?: Record<string, string>): PodLike => ({
  metadata: { name: 'p', annotations },
  spec: { containers: [container('c')], ...spec },
});
/** A pod the restricted level accepts; rows change one thing of it. */
const restrictedSc = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const compliant = (spec: Partial<PodSpec> = {}, sc: Container['securityContext'] = restrictedSc): PodLike =>
  pod({ securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [container('c', { securityContext: sc })], ...spec });

const rows: [string, Level, PodLike, string][] = [
  ['a plain pod under baseline', 'baseline', pod({}), ''],
  ['anything under privileged', 'privileged', pod({ hostNetwork: true, containers: [container('c', { securityContext: { privileged: true } })] }), ''],
  ['host namespaces', 'baseline', pod({ hostNetwork: true, hostPID: true, hostIPC: true }), 'host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)'],
  ['privileged', 'baseline', pod({ containers: [container('c', { securityContext: { privileged: true } })] }), 'privileged (container "c" must not set securityContext.privileged=true)'],
  [
    'privileged init and app containers',
    'baseline',
    pod({ initContainers: [container('init', { securityContext: { privileged: true } })], containers: [container('a', { securityContext: { privileged: true } })] }),
    'privileged (containers "init", "a" must not set securityContext.privileged=true)',
  ],
  [
    'hostPath and privileged, in Kubernetes order',
    'baseline',
    pod({ volumes: [{ name: 'v', hostPath: { path: '/' } }], containers: [container('c', { securityContext: { privileged: true } })] }),
    'hostPath volumes (volume "v"), privileged (container "c" must not set securityContext.privileged=true)',
  ],
  ['two hostPath volumes', 'baseline', pod({ volumes: [{ name: 'a', hostPath: { path: '/a' } }, { name: 'b', hostPath: { path: '/b' } }] }), 'hostPath volumes (volumes "a", "b")'],
  ['one hostPort', 'baseline', pod({ containers: [container('c', { ports: [{ containerPort: 80, hostPort: 8080 }] })] }), 'hostPort (container "c" uses hostPort 8080)'],
  [
    'hostPorts of two containers',
    'baseline',
    pod({ containers: [container('a', { ports: [{ containerPort: 80, hostPort: 80 }] }), container('b', { ports: [{ containerPort: 443, hostPort: 443 }] })] }),
    'hostPort (containers "a", "b" use hostPorts 80, 443)',
  ],
  [
    'capabilities beyond the default set',
    'baseline',
    pod({ containers: [container('c', { securityContext: { capabilities: { add: ['SYS_TIME', 'NET_ADMIN', 'CHOWN'] } } })] }),
    'non-default capabilities (container "c" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add)',
  ],
  ['default capabilities', 'baseline', pod({ containers: [container('c', { securityContext: { capabilities: { add: ['CHOWN', 'KILL'] } } })] }), ''],
  [
    'hostProcess on the pod and a container',
    'baseline',
    pod({ securityContext: { windowsOptions: { hostProcess: true } }, containers: [container('c', { securityContext: { windowsOptions: { hostProcess: true } } })] }),
    'hostProcess (pod and container "c" must not set securityContext.windowsOptions.hostProcess=true)',
  ],
  ['procMount Unmasked', 'baseline', pod({ containers: [container('c', { securityContext: { procMount: 'Unmasked' } })] }), 'procMount (container "c" must not set securityContext.procMount to "Unmasked")'],
  ['seccomp Unconfined on the pod', 'baseline', pod({ securityContext: { seccompProfile: { type: 'Unconfined' } } }), 'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")'],
  [
    'AppArmor unconfined',
    'baseline',
    pod({ containers: [container('c', { securityContext: { appArmorProfile: { type: 'Unconfined' } } })] }),
    'forbidden AppArmor profile (container "c" must not set securityContext.appArmorProfile.type to "Unconfined")',
  ],
  [
    'AppArmor unconfined by annotation',
    'baseline',
    pod({}, { 'container.apparmor.security.beta.kubernetes.io/c': 'unconfined' }),
    'forbidden AppArmor profile (container.apparmor.security.beta.kubernetes.io/c="unconfined")',
  ],
  [
    'SELinux type, user and role',
    'baseline',
    pod({ securityContext: { seLinuxOptions: { type: 'spc_t', user: 'u', role: 'r' } } }),
    'seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set)',
  ],
  ['SELinux container_t', 'baseline', pod({ securityContext: { seLinuxOptions: { type: 'container_t', level: 's0:c1' } } }), ''],
  ['unsafe sysctls', 'baseline', pod({ securityContext: { sysctls: [{ name: 'kernel.msgmax', value: '1' }, { name: 'net.ipv4.tcp_syncookies', value: '1' }] } }), 'forbidden sysctls (kernel.msgmax)'],
  [
    'a plain pod under restricted',
    'restricted',
    pod({}),
    'allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
  ],
  ['a compliant pod under restricted', 'restricted', compliant(), ''],
  ['NET_BIND_SERVICE under restricted', 'restricted', compliant({}, { ...restrictedSc, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } }), ''],
  [
    'other added capabilities under restricted',
    'restricted',
    compliant({}, { ...restrictedSc, capabilities: { drop: ['ALL'], add: ['CHOWN'] } }),
    'unrestricted capabilities (container "c" must not include "CHOWN" in securityContext.capabilities.add)',
  ],
  [
    'restricted volume types replace the hostPath check',
    'restricted',
    compliant({ volumes: [{ name: 'h', hostPath: { path: '/' } }, { name: 'n', nfs: { server: 's', path: '/' } }, { name: 'e', emptyDir: {} }] }),
    'restricted volume types (volumes "h", "n" use restricted volume types "hostPath", "nfs")',
  ],
  ['runAsUser 0', 'restricted', compliant({}, { ...restrictedSc, runAsUser: 0 }), 'runAsUser=0 (container "c" must not set runAsUser=0)'],
  [
    'runAsNonRoot false on the pod',
    'restricted',
    compliant({ securityContext: { runAsNonRoot: false, seccompProfile: { type: 'RuntimeDefault' } } }),
    'runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false; pod or container "c" must set securityContext.runAsNonRoot=true)',
  ],
  [
    'seccomp Unconfined on a container under restricted',
    'restricted',
    compliant({}, { ...restrictedSc, seccompProfile: { type: 'Unconfined' } }),
    'seccompProfile (container "c" must not set securityContext.seccompProfile.type to "Unconfined")',
  ],
];

describe('Pod Security Standards checks', () => {
  it.each(rows)('%s', (_name, level, p, expected) => {
    expect(describeViolations(evaluatePod(level, p))).toBe(expected);
  });
});
