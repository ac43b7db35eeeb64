import { isDeepStrictEqual } from 'node:util';
import { invalid } from '../../../lib/api/errors.js';
import type * as t from '../../../lib/api/generated/index.js';
import type { AnyObject, EnvelopeField, ResourceInfo } from '../../../lib/api/resources.js';
import type { WriteHooks } from '../registry/hooks.js';
import { addAuditAnnotation, addWarning, type RequestScope } from '../request-scope.js';
import { admissionForbidden } from './forbidden.js';
import { describeViolations, evaluatePod, type PodLike } from './pod-security/checks.js';
import { formatLevel, namespacePolicy, strictness, validatePolicyLabels, type LevelVersion, type PodSecurityConfig } from './pod-security/policy.js';

export { DEFAULT_POD_SECURITY_CONFIG, loadPodSecurityConfig, type PodSecurityConfig } from './pod-security/policy.js';

/** Audit annotations, under Kubernetes' keys. */
const ENFORCE_POLICY = 'pod-security.kubernetes.io/enforce-policy';
const AUDIT_VIOLATIONS = 'pod-security.kubernetes.io/audit-violations';
const EXEMPT = 'pod-security.kubernetes.io/exempt';
/** Pods named one by one in the warning about a namespace's existing pods; the rest are counted. */
const MAX_LISTED_POD_GROUPS = 10;

/** Where each pod controller keeps its pod template. */
const TEMPLATES: Partial<Record<EnvelopeField, (o: AnyObject) => t.PodTemplateSpec | undefined>> = {
  deployment: (o) => (o as t.Deployment).spec?.template,
  replicaSet: (o) => (o as t.ReplicaSet).spec?.template,
  replicationController: (o) => (o as t.ReplicationController).spec?.template,
  daemonSet: (o) => (o as t.DaemonSet).spec?.template,
  statefulSet: (o) => (o as t.StatefulSet).spec?.template,
  job: (o) => (o as t.Job).spec?.template,
  cronJob: (o) => (o as t.CronJob).spec?.jobTemplate?.spec?.template,
};

/** A JSON copy, so that equality ignores absent-versus-undefined fields. */
const plain = <T>(value: T): T => (value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T));

/**
 * Whether a pod update can change what the checks see: Kubernetes skips updates that only touch
 * metadata or the fields that may change on a running pod (images, activeDeadlineSeconds,
 * tolerations), so relabelling an old pod never fails on a policy made after it.
 */
function significantPodUpdate(pod: t.Pod, old: t.Pod): boolean {
  const comparable = (p: t.Pod, images: t.Pod) => {
    const spec = plain(p.spec) ?? {};
    const imageOf = (list: t.Container[] | undefined, i: number) => list?.[i]?.image;
    spec.containers = spec.containers?.map((c, i) => ({ ...c, image: imageOf(images.spec?.containers, i) }));
    spec.initContainers = spec.initContainers?.map((c, i) => ({ ...c, image: imageOf(images.spec?.initContainers, i) }));
    return { ...spec, activeDeadlineSeconds: undefined, tolerations: undefined };
  };
  const apparmor = (p: t.Pod) => Object.entries(p.metadata?.annotations ?? {}).filter(([k]) => k.startsWith('container.apparmor.security.beta.kubernetes.io/'));
  return !isDeepStrictEqual(plain(comparable(pod, old)), plain(comparable(old, old))) || !isDeepStrictEqual(apparmor(pod), apparmor(old));
}

/**
 * Kubernetes' PodSecurity admission: the Pod Security Standards level a namespace asks for (its
 * `pod-security.kubernetes.io/<mode>` labels, else the cluster's defaults) is enforced on pods
 * (refused with Kubernetes' message), audited (an annotation on the request's audit event) and
 * warned about (a warning to the client). Pod controllers' templates only get warnings and audit
 * annotations: the pods they make are checked when they are created. Exempt namespaces and users
 * skip it all. A namespace's labels are validated, and tightening its enforce level warns about
 * the pods already there that the new level would refuse.
 */
export class PodSecurityAdmission implements WriteHooks {
  constructor(
    private readonly config: PodSecurityConfig,
    private readonly getNamespace: (name: string) => Promise<t.Namespace | undefined>,
    private readonly podsIn: (namespace: string) => t.Pod[],
  ) {}

  async admit(info: ResourceInfo, op: 'create' | 'update', object: AnyObject, old?: AnyObject, scope?: RequestScope): Promise<void> {
    if (info.field === 'namespace') return this.admitNamespace(object as t.Namespace, old as t.Namespace | undefined, scope);
    if (info.field === 'pod') {
      if (op === 'update' && old && !significantPodUpdate(object as t.Pod, old as t.Pod)) return;
      return this.admitPod(info, object as t.Pod, scope);
    }
    const templateOf = TEMPLATES[info.field];
    if (!templateOf) return;
    const template = templateOf(object);
    if (op === 'update' && old && isDeepStrictEqual(plain(template), plain(templateOf(old)))) return;
    return this.admitTemplate(object, template ?? {}, scope);
  }

  private exempt(namespace: string, scope: RequestScope | undefined): boolean {
    const why = this.config.exemptions.namespaces.includes(namespace)
      ? 'namespace'
      : this.config.exemptions.usernames.includes(scope?.user?.name ?? '')
        ? 'user'
        : undefined;
    if (why) addAuditAnnotation(scope, EXEMPT, why);
    return why !== undefined;
  }

  private async policyOf(namespace: string) {
    return namespacePolicy((await this.getNamespace(namespace))?.metadata, this.config.defaults);
  }

  private async admitPod(info: ResourceInfo, pod: t.Pod, scope: RequestScope | undefined): Promise<void> {
    const namespace = pod.metadata?.namespace ?? '';
    if (this.exempt(namespace, scope)) return;
    const policy = await this.policyOf(namespace);
    addAuditAnnotation(scope, ENFORCE_POLICY, formatLevel(policy.enforce));
    const enforced = evaluatePod(policy.enforce.level, pod);
    if (enforced.length > 0) throw admissionForbidden(info.resource, pod, `violates PodSecurity "${formatLevel(policy.enforce)}": ${describeViolations(enforced)}`);
    this.auditAndWarn(scope, pod, policy.audit, policy.warn);
  }

  private async admitTemplate(owner: AnyObject, template: t.PodTemplateSpec, scope: RequestScope | undefined): Promise<void> {
    const namespace = owner.metadata?.namespace ?? '';
    if (this.exempt(namespace, scope)) return;
    const policy = await this.policyOf(namespace);
    // A controller is never refused; its pods will be, so the client hears about it now.
    this.auditAndWarn(scope, template, policy.enforce, policy.enforce);
    this.auditAndWarn(scope, template, policy.audit, policy.warn);
  }

  private auditAndWarn(scope: RequestScope | undefined, pod: PodLike, audit: LevelVersion, warn: LevelVersion): void {
    const audited = evaluatePod(audit.level, pod);
    if (audited.length > 0) addAuditAnnotation(scope, AUDIT_VIOLATIONS, `would violate PodSecurity "${formatLevel(audit)}": ${describeViolations(audited)}`);
    const warned = evaluatePod(warn.level, pod);
    if (warned.length > 0) addWarning(scope, `would violate PodSecurity "${formatLevel(warn)}": ${describeViolations(warned)}`);
  }

  private admitNamespace(namespace: t.Namespace, old: t.Namespace | undefined, scope: RequestScope | undefined): void {
    const errors = validatePolicyLabels(namespace.metadata);
    if (errors.length > 0) throw invalid('Namespace', namespace.metadata?.name ?? '', errors);
    const name = namespace.metadata?.name ?? '';
    if (!old || this.config.exemptions.namespaces.includes(name)) return;
    const now = namespacePolicy(namespace.metadata, this.config.defaults).enforce;
    const before = namespacePolicy(old.metadata, this.config.defaults).enforce;
    if (now.level === 'privileged' || (now.level === before.level && now.version === before.version) || strictness(now.level) < strictness(before.level)) return;
    this.warnAboutExistingPods(name, now, scope);
  }

  /** Kubernetes' warnings: one line, then one per distinct set of violations, naming a pod and counting the others. */
  private warnAboutExistingPods(namespace: string, level: LevelVersion, scope: RequestScope | undefined): void {
    const groups = new Map<string, string[]>();
    for (const pod of this.podsIn(namespace)) {
      const violations = evaluatePod(level.level, pod);
      if (violations.length === 0) continue;
      const key = describeViolations(violations);
      groups.set(key, [...(groups.get(key) ?? []), pod.metadata?.name ?? '']);
    }
    if (groups.size === 0) return;
    addWarning(scope, `existing pods in namespace "${namespace}" violate the new PodSecurity enforce level "${formatLevel(level)}"`);
    for (const [violations, pods] of [...groups].slice(0, MAX_LISTED_POD_GROUPS)) {
      const others = pods.length - 1;
      const who = others === 0 ? pods[0] : `${pods[0]} (and ${others} other ${others === 1 ? 'pod' : 'pods'})`;
      addWarning(scope, `${who}: ${violations}`);
    }
  }
}
