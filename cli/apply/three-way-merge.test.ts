import { describe, expect, it } from 'vitest';
import { strategicMergePatch } from '../../lib/patch/strategic-merge.js';
import { threeWayMergePatch, type JsonObject } from './three-way-merge.js';

const rc = (over: JsonObject = {}): JsonObject => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: { name: 'myweb', namespace: 'default', labels: { app: 'myweb' } },
  spec: {
    replicas: 2,
    selector: { app: 'myweb' },
    template: {
      metadata: { labels: { app: 'myweb' } },
      spec: {
        containers: [
          {
            name: 'myweb',
            image: 'tomcat-app:v1',
            ports: [{ containerPort: 8080 }],
            env: [
              { name: 'MYSQL_SERVICE_HOST', value: 'mysql' },
              { name: 'MYSQL_SERVICE_PORT', value: '3306' },
            ],
          },
        ],
      },
    },
  },
  ...over,
});

/** What the apiserver would hold: the applied object plus defaults and status. */
function live(applied: JsonObject): JsonObject {
  const obj = structuredClone(applied) as {
    metadata: JsonObject;
    spec: { template: { spec: { containers: JsonObject[]; restartPolicy?: string } } };
    status?: JsonObject;
  };
  obj.metadata.uid = 'u1';
  obj.metadata.resourceVersion = '7';
  obj.spec.template.spec.restartPolicy = 'Always';
  for (const c of obj.spec.template.spec.containers) {
    c.imagePullPolicy = 'IfNotPresent';
    c.terminationMessagePath = '/dev/termination-log';
  }
  obj.status = { replicas: 2 };
  return obj as JsonObject;
}

describe('threeWayMergePatch', () => {
  it('is empty when the file did not change, whatever the server added', () => {
    const applied = rc();
    expect(threeWayMergePatch(applied, applied, live(applied))).toEqual({});
  });

  it('changes scalars and keeps fields others set', () => {
    const original = rc();
    const modified = rc();
    (modified.spec as JsonObject).replicas = 5;
    const current = live(original);
    const patch = threeWayMergePatch(original, modified, current);
    expect(patch).toEqual({ spec: { replicas: 5 } });
    const result = strategicMergePatch(current, patch) as { spec: { replicas: number; template: { spec: { restartPolicy: string } } } };
    expect(result.spec.replicas).toBe(5);
    expect(result.spec.template.spec.restartPolicy).toBe('Always');
  });

  it('removes a map key that was in the last applied file and is gone from the new one', () => {
    const original = rc();
    const modified = rc({ metadata: { name: 'myweb', namespace: 'default' } });
    const current = live(original);
    (current.metadata as JsonObject).labels = { app: 'myweb', team: 'web' };
    const patch = threeWayMergePatch(original, modified, current);
    expect(patch).toEqual({ metadata: { labels: null } });
  });

  it('leaves alone keys it never applied', () => {
    const original = rc();
    const current = live(original);
    (current.metadata as JsonObject).annotations = { owner: 'ops' };
    expect(threeWayMergePatch(original, original, current)).toEqual({});
  });

  it('diffs keyed lists element by element and deletes removed elements', () => {
    const original = rc();
    const modified = rc();
    const container = ((modified.spec as JsonObject).template as { spec: { containers: JsonObject[] } }).spec.containers[0]!;
    container.image = 'tomcat-app:v2';
    container.env = [{ name: 'MYSQL_SERVICE_HOST', value: 'mysql' }];
    const current = live(original);
    const patch = threeWayMergePatch(original, modified, current);
    expect(patch).toEqual({
      spec: {
        template: {
          spec: {
            containers: [{ name: 'myweb', image: 'tomcat-app:v2', env: [{ name: 'MYSQL_SERVICE_PORT', $patch: 'delete' }] }],
          },
        },
      },
    });
    const merged = strategicMergePatch(current, patch) as { spec: { template: { spec: { containers: JsonObject[] } } } };
    const c = merged.spec.template.spec.containers[0]!;
    expect(c.image).toBe('tomcat-app:v2');
    expect(c.env).toEqual([{ name: 'MYSQL_SERVICE_HOST', value: 'mysql' }]);
    expect(c.imagePullPolicy).toBe('IfNotPresent');
  });

  it('adds new list elements whole and replaces lists without a merge key', () => {
    const original = { spec: { containers: [{ name: 'a', image: 'a:1', command: ['sleep', '1'] }] } };
    const modified = {
      spec: {
        containers: [
          { name: 'a', image: 'a:1', command: ['sleep', '2'] },
          { name: 'b', image: 'b:1' },
        ],
      },
    };
    const patch = threeWayMergePatch(original, modified, structuredClone(original));
    expect(patch).toEqual({ spec: { containers: [{ name: 'a', command: ['sleep', '2'] }, { name: 'b', image: 'b:1' }] } });
  });

  it('merges service ports on port and container ports on containerPort', () => {
    const original = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const modified = { spec: { ports: [{ port: 80, targetPort: 9090 }] } };
    const current = { spec: { ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }, { port: 443, protocol: 'TCP' }] } };
    expect(threeWayMergePatch(original, modified, current)).toEqual({
      spec: { ports: [{ port: 80, targetPort: 9090 }, { port: 443, $patch: 'delete' }] },
    });
  });

  it('treats a missing last-applied configuration as nothing applied before', () => {
    const modified = rc();
    const current = live(rc());
    (current.metadata as JsonObject).labels = { app: 'myweb', extra: 'x' };
    expect(threeWayMergePatch(undefined, modified, current)).toEqual({});
  });

  it('sets a field whose live value is of another shape', () => {
    expect(threeWayMergePatch({}, { spec: { selector: { app: 'x' } } }, { spec: { selector: 'odd' } })).toEqual({
      spec: { selector: { app: 'x' } },
    });
  });
});
