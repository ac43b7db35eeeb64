import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import type { ObjectMeta } from '../../../../lib/api/generated/index.js';
import { invalid, root, type FieldError } from '../../../../lib/validation/field-errors.js';
import type { Level } from './checks.js';

// Which Pod Security level a namespace asks for in each mode, from its labels
// (`pod-security.kubernetes.io/enforce: baseline`, `...-version: v1.31`), falling back to the
// cluster's defaults, as Kubernetes' PodSecurity admission reads them. kubets has one version of
// the standards, the latest: a pinned version is accepted and named in messages, and evaluated
// with the latest checks.

export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
export const MODES = ['enforce', 'audit', 'warn'] as const;
export type Mode = (typeof MODES)[number];
const LEVELS: readonly Level[] = ['privileged', 'baseline', 'restricted'];
const VERSION = /^(latest|v1\.(0|[1-9]\d*))$/;

export interface LevelVersion {
  level: Level;
  version: string;
}

export type NamespacePolicy = Record<Mode, LevelVersion>;

/** Kubernetes' PodSecurityConfiguration (pod-security.admission.config.k8s.io/v1): defaults and exemptions. */
export interface PodSecurityConfig {
  defaults: NamespacePolicy;
  exemptions: { usernames: string[]; namespaces: string[]; runtimeClasses: string[] };
}

/**
 * kubets' own default: baseline enforced in every namespace but kube-system, where the cluster's
 * system workloads live (kubets runs its proxy, DNS and ingress controller as host processes, so
 * nothing of a local cluster needs more than baseline elsewhere).
 */
export const DEFAULT_POD_SECURITY_CONFIG: PodSecurityConfig = {
  defaults: {
    enforce: { level: 'baseline', version: 'latest' },
    audit: { level: 'privileged', version: 'latest' },
    warn: { level: 'privileged', version: 'latest' },
  },
  exemptions: { usernames: [], namespaces: ['kube-system'], runtimeClasses: [] },
};

export const formatLevel = (lv: LevelVersion): string => `${lv.level}:${lv.version}`;

/** How strict a level is, to tell a tightening from a loosening. */
export const strictness = (level: Level): number => LEVELS.indexOf(level);

/** The errors of a namespace's pod-security labels, with the label as the field path. */
export function validatePolicyLabels(metadata: ObjectMeta | undefined): FieldError[] {
  const labels = metadata?.labels ?? {};
  const errors: FieldError[] = [];
  const path = (key: string) => root('metadata', 'labels').key(key);
  for (const mode of MODES) {
    const level = labels[`${LABEL_PREFIX}${mode}`];
    if (level !== undefined && !LEVELS.includes(level as Level)) {
      errors.push(invalid(path(`${LABEL_PREFIX}${mode}`), level, `must be one of ${LEVELS.join(', ')}`));
    }
    const version = labels[`${LABEL_PREFIX}${mode}-version`];
    if (version !== undefined && !VERSION.test(version)) {
      errors.push(invalid(path(`${LABEL_PREFIX}${mode}-version`), version, 'must be "latest" or "v1.x"'));
    }
  }
  return errors;
}

/**
 * The policy of a namespace. Labels that do not parse make enforce the strictest level, as
 * Kubernetes does, so a typo never opens a namespace up.
 */
export function namespacePolicy(metadata: ObjectMeta | undefined, defaults: NamespacePolicy): NamespacePolicy {
  const labels = metadata?.labels ?? {};
  const broken = validatePolicyLabels(metadata).length > 0;
  const policy = {} as NamespacePolicy;
  for (const mode of MODES) {
    const level = labels[`${LABEL_PREFIX}${mode}`] as Level | undefined;
    const version = labels[`${LABEL_PREFIX}${mode}-version`];
    policy[mode] = { level: level ?? defaults[mode].level, version: version ?? (level ? 'latest' : defaults[mode].version) };
  }
  if (broken) policy.enforce = { level: 'restricted', version: 'latest' };
  return policy;
}

interface AdmissionConfigFile {
  kind?: string;
  plugins?: { name?: string; configuration?: ConfigFile }[];
}

interface ConfigFile {
  apiVersion?: string;
  kind?: string;
  defaults?: Partial<Record<Mode | `${Mode}-version`, string>>;
  exemptions?: Partial<PodSecurityConfig['exemptions']>;
}

/**
 * Reads a PodSecurityConfiguration, alone or as the PodSecurity plugin's configuration in an
 * AdmissionConfiguration (kube-apiserver's --admission-control-config-file); what it leaves out
 * keeps kubets' defaults.
 */
export async function loadPodSecurityConfig(path: string): Promise<PodSecurityConfig> {
  const file = (parse(await readFile(path, 'utf8')) ?? {}) as AdmissionConfigFile & ConfigFile;
  const doc = file.kind === 'AdmissionConfiguration' ? (file.plugins?.find((p) => p.name === 'PodSecurity')?.configuration ?? {}) : file;
  if (doc.kind !== undefined && doc.kind !== 'PodSecurityConfiguration') throw new Error(`${path}: kind must be PodSecurityConfiguration, not ${doc.kind}`);
  const defaults = { ...DEFAULT_POD_SECURITY_CONFIG.defaults };
  for (const mode of MODES) {
    const level = doc.defaults?.[mode];
    const version = doc.defaults?.[`${mode}-version`];
    if (level !== undefined && !LEVELS.includes(level as Level)) throw new Error(`${path}: defaults.${mode}: must be one of ${LEVELS.join(', ')}, not "${level}"`);
    if (version !== undefined && !VERSION.test(version)) throw new Error(`${path}: defaults.${mode}-version: must be "latest" or "v1.x", not "${version}"`);
    defaults[mode] = { level: (level as Level | undefined) ?? defaults[mode].level, version: version ?? defaults[mode].version };
  }
  const exemptions = { ...DEFAULT_POD_SECURITY_CONFIG.exemptions, ...doc.exemptions };
  return { defaults, exemptions };
}
