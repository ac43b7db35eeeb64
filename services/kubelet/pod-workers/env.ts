import type { ConfigMap, Container, EnvVarSource, Pod, Secret } from '../../../lib/api/generated/index.js';
import { isEnvVarName } from '../../../lib/validation/names.js';
import { ContainerConfigError } from '../runtime/errors.js';
import type { EnvVarValue } from '../runtime/types.js';
import { expand, mappingFor } from './expansion.js';
import { containerResourceValue, FieldRefError, podFieldValue } from './field-ref.js';
import type { PodObjectSource } from './object-source.js';
import { serviceEnvMap } from './service-env.js';

export interface EnvContext {
  pod: Pod;
  container: Container;
  podIP: string;
  hostIP: string;
  objects: PodObjectSource;
  /** What unset limits read as in resourceFieldRef (Kubernetes uses node allocatable). */
  nodeAllocatable?: Record<string, string>;
  /** Told about envFrom keys that were skipped as invalid names (Kubernetes emits an event). */
  onInvalidKeys?: (message: string) => void;
}

/**
 * Kubernetes' makeEnvironmentVariables: envFrom sources first (prefixed, invalid names skipped),
 * then explicit env in order (values expanded against what came before and the service
 * variables), then the service variables for names still unset. Explicit env always wins.
 */
export async function makeEnvironmentVariables(ctx: EnvContext): Promise<EnvVarValue[]> {
  const { pod, container, objects } = ctx;
  const namespace = pod.metadata?.namespace || 'default';
  const [namespaceServices, defaultServices] = await Promise.all([
    namespace === 'default' ? Promise.resolve([]) : objects.listServices(namespace),
    objects.listServices('default'),
  ]);
  const serviceEnv = serviceEnvMap(namespace, pod.spec?.enableServiceLinks ?? true, namespaceServices, defaultServices);
  const configMaps = new Cache<ConfigMap>((name) => objects.getConfigMap(namespace, name));
  const secrets = new Cache<Secret>((name) => objects.getSecret(namespace, name));
  const env = new Map<string, string>();

  for (const source of container.envFrom ?? []) {
    const prefix = source.prefix ?? '';
    let data: Record<string, string> | undefined;
    let kind: string;
    let name: string;
    if (source.configMapRef) {
      kind = 'configMap';
      name = source.configMapRef.name ?? '';
      const configMap = await configMaps.get(name);
      if (!configMap) {
        if (source.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${name}" not found`);
      }
      data = configMap.data ?? {};
    } else if (source.secretRef) {
      kind = 'secret';
      name = source.secretRef.name ?? '';
      const secret = await secrets.get(name);
      if (!secret) {
        if (source.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${name}" not found`);
      }
      data = decodeSecretData(secret);
    } else {
      continue;
    }
    const invalid: string[] = [];
    for (const [rawKey, value] of Object.entries(data)) {
      const key = prefix + rawKey;
      if (isEnvVarName(key).length > 0) invalid.push(key);
      else env.set(key, value);
    }
    if (invalid.length > 0) {
      ctx.onInvalidKeys?.(
        `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${kind} ${namespace}/${name} were skipped since they are considered invalid environment variable names.`,
      );
    }
  }

  const mapping = mappingFor(env, serviceEnv);
  for (const variable of container.env ?? []) {
    const name = variable.name ?? '';
    let value = variable.value ?? '';
    if (value !== '') {
      value = expand(value, mapping);
    } else if (variable.valueFrom) {
      const resolved = await valueFrom(variable.valueFrom, ctx, namespace, configMaps, secrets);
      if (resolved === undefined) continue;
      value = resolved;
    }
    env.set(name, value);
  }

  for (const [name, value] of serviceEnv) if (!env.has(name)) env.set(name, value);
  return [...env].map(([name, value]) => ({ name, value }));
}

/** undefined: an optional reference that is missing, so the variable is left out. */
async function valueFrom(
  source: EnvVarSource,
  ctx: EnvContext,
  namespace: string,
  configMaps: Cache<ConfigMap>,
  secrets: Cache<Secret>,
): Promise<string | undefined> {
  if (source.fieldRef) {
    try {
      return podFieldValue(ctx.pod, source.fieldRef.fieldPath ?? '', { podIP: ctx.podIP, hostIP: ctx.hostIP });
    } catch (err) {
      throw new ContainerConfigError(err instanceof FieldRefError ? err.message : String(err));
    }
  }
  if (source.resourceFieldRef) {
    const named = source.resourceFieldRef.containerName;
    const container = named ? ctx.pod.spec?.containers?.find((c) => c.name === named) ?? ctx.container : ctx.container;
    try {
      return containerResourceValue(source.resourceFieldRef, container, ctx.nodeAllocatable);
    } catch (err) {
      throw new ContainerConfigError(err instanceof Error ? err.message : String(err));
    }
  }
  if (source.configMapKeyRef) {
    const { name = '', key = '', optional = false } = source.configMapKeyRef;
    const configMap = await configMaps.get(name);
    if (!configMap) {
      if (optional) return undefined;
      throw new ContainerConfigError(`configmap "${name}" not found`);
    }
    const value = configMap.data?.[key];
    if (value === undefined) {
      if (optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${key} in ConfigMap ${namespace}/${name}`);
    }
    return value;
  }
  if (source.secretKeyRef) {
    const { name = '', key = '', optional = false } = source.secretKeyRef;
    const secret = await secrets.get(name);
    if (!secret) {
      if (optional) return undefined;
      throw new ContainerConfigError(`secret "${name}" not found`);
    }
    const value = secret.data?.[key];
    if (value === undefined) {
      if (optional) return undefined;
      throw new ContainerConfigError(`couldn't find key ${key} in Secret ${namespace}/${name}`);
    }
    return Buffer.from(value).toString('utf8');
  }
  return '';
}

function decodeSecretData(secret: Secret): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(secret.data ?? {})) out[key] = Buffer.from(value).toString('utf8');
  return out;
}

/** Kubernetes' ExpandContainerCommandAndArgs: `$(VAR)` in command and args from the final env. */
export function expandCommandAndArgs(container: Container, env: EnvVarValue[]): { command: string[]; args: string[] } {
  const mapping = mappingFor(new Map(env.map((e) => [e.name, e.value])));
  return {
    command: (container.command ?? []).map((part) => expand(part, mapping)),
    args: (container.args ?? []).map((part) => expand(part, mapping)),
  };
}

/** Each referenced object is fetched once per container, as Kubernetes does. */
class Cache<T> {
  readonly #fetch: (name: string) => Promise<T | undefined>;
  readonly #seen = new Map<string, Promise<T | undefined>>();

  constructor(fetch: (name: string) => Promise<T | undefined>) {
    this.#fetch = fetch;
  }

  get(name: string): Promise<T | undefined> {
    let found = this.#seen.get(name);
    if (!found) {
      found = this.#fetch(name);
      this.#seen.set(name, found);
    }
    return found;
  }
}
