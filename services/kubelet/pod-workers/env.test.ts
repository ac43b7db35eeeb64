import { describe, expect, it } from 'vitest';
import type { Container, Pod } from '../../../lib/api/generated/index.js';
import { ContainerConfigError } from '../runtime/errors.js';
import { expandCommandAndArgs, makeEnvironmentVariables } from './env.js';
import { InMemoryObjectSource } from './object-source.js';

function objects(): InMemoryObjectSource {
  return new InMemoryObjectSource()
    .setService({ metadata: { namespace: 'default', name: 'kubernetes' }, spec: { clusterIP: '10.96.0.1', ports: [{ name: 'https', port: 443 }] } })
    .setService({ metadata: { namespace: 'shop', name: 'mysql' }, spec: { clusterIP: '10.96.0.3', ports: [{ port: 3306 }] } })
    .setConfigMap({ metadata: { namespace: 'shop', name: 'cfg' }, data: { MODE: 'fast', 'bad-key': 'x', LEVEL: '3' } })
    .setSecret({ metadata: { namespace: 'shop', name: 'creds' }, data: { password: Buffer.from('s3cret') } });
}

function pod(container: Container): Pod {
  return {
    metadata: { name: 'web', namespace: 'shop', uid: 'u-1', labels: { app: 'web' } },
    spec: { nodeName: 'node-1', serviceAccountName: 'default', containers: [container] },
  };
}

async function envOf(container: Container, source = objects(), onInvalidKeys?: (m: string) => void): Promise<Record<string, string>> {
  const list = await makeEnvironmentVariables({
    pod: pod(container),
    container,
    podIP: '172.17.0.4',
    hostIP: '10.0.0.1',
    objects: source,
    ...(onInvalidKeys && { onInvalidKeys }),
  });
  return Object.fromEntries(list.map((e) => [e.name, e.value]));
}

describe('makeEnvironmentVariables', () => {
  it('adds the service variables of the namespace and the kubernetes service', async () => {
    const env = await envOf({ name: 'c' });
    expect(env).toMatchObject({
      MYSQL_SERVICE_HOST: '10.96.0.3',
      MYSQL_SERVICE_PORT: '3306',
      MYSQL_PORT: 'tcp://10.96.0.3:3306',
      MYSQL_PORT_3306_TCP_ADDR: '10.96.0.3',
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
    });
  });

  it('lets explicit env win over service variables', async () => {
    const env = await envOf({ name: 'c', env: [{ name: 'MYSQL_SERVICE_HOST', value: 'db.local' }] });
    expect(env.MYSQL_SERVICE_HOST).toBe('db.local');
  });

  it('resolves valueFrom field, resource, configMap and secret references', async () => {
    const env = await envOf({
      name: 'c',
      resources: { limits: { memory: '64Mi' } },
      env: [
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'MODE' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
      ],
    });
    expect(env).toMatchObject({
      POD_NAME: 'web',
      POD_NS: 'shop',
      POD_UID: 'u-1',
      APP: 'web',
      NODE: 'node-1',
      POD_IP: '172.17.0.4',
      HOST_IP: '10.0.0.1',
      SA: 'default',
      MEM: '64',
      MODE: 'fast',
      PASSWORD: 's3cret',
    });
  });

  it('skips optional references that are missing', async () => {
    const env = await envOf({
      name: 'c',
      env: [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k', optional: true } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 'creds', key: 'nope', optional: true } } },
      ],
      envFrom: [{ configMapRef: { name: 'nope', optional: true } }],
    });
    expect(env).not.toHaveProperty('A');
    expect(env).not.toHaveProperty('B');
  });

  it('fails with Kubernetes messages for missing references', async () => {
    await expect(envOf({ name: 'c', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }] })).rejects.toThrow(
      new ContainerConfigError('configmap "nope" not found'),
    );
    await expect(envOf({ name: 'c', env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] })).rejects.toThrow(
      "couldn't find key k in ConfigMap shop/cfg",
    );
    await expect(envOf({ name: 'c', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'nope', key: 'k' } } }] })).rejects.toThrow(
      'secret "nope" not found',
    );
    await expect(envOf({ name: 'c', env: [{ name: 'A', valueFrom: { secretKeyRef: { name: 'creds', key: 'k' } } }] })).rejects.toThrow(
      "couldn't find key k in Secret shop/creds",
    );
    await expect(envOf({ name: 'c', envFrom: [{ secretRef: { name: 'gone' } }] })).rejects.toThrow('secret "gone" not found');
  });

  it('imports envFrom with a prefix, skipping invalid names with a report', async () => {
    const reports: string[] = [];
    const env = await envOf({ name: 'c', envFrom: [{ prefix: 'CFG_', configMapRef: { name: 'cfg' } }, { secretRef: { name: 'creds' } }] }, objects(), (m) =>
      reports.push(m),
    );
    expect(env).toMatchObject({ CFG_MODE: 'fast', CFG_LEVEL: '3', 'CFG_bad-key': 'x', password: 's3cret' });
    const noPrefix = await envOf({ name: 'c', envFrom: [{ configMapRef: { name: 'cfg' } }] }, objects(), (m) => reports.push(m));
    expect(noPrefix).toMatchObject({ MODE: 'fast', 'bad-key': 'x' });
    expect(reports).toEqual([]);
  });

  it('reports envFrom keys that are not valid names', async () => {
    const source = objects().setConfigMap({ metadata: { namespace: 'shop', name: 'odd' }, data: { '1abc': 'x', ok: 'y', 'a b': 'z' } });
    const reports: string[] = [];
    const env = await envOf({ name: 'c', envFrom: [{ configMapRef: { name: 'odd' } }] }, source, (m) => reports.push(m));
    expect(env.ok).toBe('y');
    expect(env).not.toHaveProperty('1abc');
    expect(reports).toEqual([
      'Keys [1abc, a b] from the EnvFrom configMap shop/odd were skipped since they are considered invalid environment variable names.',
    ]);
  });

  it('expands $(VAR) against earlier variables and service variables, explicit env over envFrom', async () => {
    const env = await envOf({
      name: 'c',
      envFrom: [{ configMapRef: { name: 'cfg' } }],
      env: [
        { name: 'MODE', value: 'slow' },
        { name: 'URL', value: 'mysql://$(MYSQL_SERVICE_HOST):$(MYSQL_SERVICE_PORT)/$(MODE)' },
        { name: 'LATER_REF', value: '$(DEFINED_LATER)' },
        { name: 'DEFINED_LATER', value: 'x' },
        { name: 'ESCAPED', value: '$$(MODE)' },
      ],
    });
    expect(env.MODE).toBe('slow');
    expect(env.URL).toBe('mysql://10.96.0.3:3306/slow');
    expect(env.LATER_REF).toBe('$(DEFINED_LATER)');
    expect(env.ESCAPED).toBe('$(MODE)');
  });
});

describe('expandCommandAndArgs', () => {
  it('expands command and args from the final environment', () => {
    const expanded = expandCommandAndArgs(
      { name: 'c', command: ['/bin/$(SHELL_NAME)', '-c'], args: ['echo $(GREETING) $(UNSET) $$(GREETING)'] },
      [
        { name: 'SHELL_NAME', value: 'sh' },
        { name: 'GREETING', value: 'hi' },
      ],
    );
    expect(expanded).toEqual({ command: ['/bin/sh', '-c'], args: ['echo hi $(UNSET) $(GREETING)'] });
  });
});
