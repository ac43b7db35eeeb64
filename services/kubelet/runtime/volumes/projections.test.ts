import { describe, expect, it } from 'vitest';
import { configMapPayload, downwardAPIPayload, secretPayload } from './projections.js';

const text = (m: Map<string, { data: Buffer; mode: number }>) =>
  Object.fromEntries([...m].map(([k, v]) => [k, `${v.data.toString()}@${v.mode.toString(8)}`]));

describe('configMap volumes', () => {
  const cm = { metadata: { name: 'cfg' }, data: { a: '1', b: '2' }, binaryData: { bin: Buffer.from([0x41]) } };

  it('projects every key with mode 0644 by default', () => {
    expect(text(configMapPayload(cm, { name: 'cfg' }))).toEqual({ a: '1@644', b: '2@644', bin: 'A@644' });
  });

  it('maps items to paths with their own modes', () => {
    expect(text(configMapPayload(cm, { name: 'cfg', defaultMode: 0o600, items: [{ key: 'a', path: 'x/a.txt', mode: 0o400 }, { key: 'b', path: 'b' }] }))).toEqual({
      'x/a.txt': '1@400',
      b: '2@600',
    });
  });

  it('fails for a missing configMap or key unless optional', () => {
    expect(() => configMapPayload(undefined, { name: 'y' })).toThrow('configmap "y" not found');
    expect(configMapPayload(undefined, { name: 'y', optional: true }).size).toBe(0);
    expect(() => configMapPayload(cm, { name: 'cfg', items: [{ key: 'zz', path: 'z' }] })).toThrow('configmap references non-existent config key: zz');
    expect(configMapPayload(cm, { name: 'cfg', optional: true, items: [{ key: 'zz', path: 'z' }] }).size).toBe(0);
  });
});

describe('secret volumes', () => {
  const secret = { metadata: { name: 's' }, data: { password: Buffer.from('pw') } };

  it('projects decoded data', () => {
    expect(text(secretPayload(secret, { secretName: 's' }))).toEqual({ password: 'pw@644' });
    expect(text(secretPayload(secret, { secretName: 's', defaultMode: 0o400 }))).toEqual({ password: 'pw@400' });
  });

  it('fails for a missing secret unless optional', () => {
    expect(() => secretPayload(undefined, { secretName: 'nope' })).toThrow('secret "nope" not found');
    expect(() => secretPayload(secret, { secretName: 's', items: [{ key: 'k', path: 'k' }] })).toThrow('secret references non-existent secret key: k');
  });
});

describe('downwardAPI volumes', () => {
  it('writes labels, annotations and names', () => {
    const pod = {
      metadata: { name: 'web', namespace: 'ns', uid: 'u', labels: { b: '2', a: '1' }, annotations: { x: 'y' } },
      spec: { containers: [{ name: 'c', resources: { limits: { cpu: '250m' } } }] },
    };
    const payload = downwardAPIPayload(pod, {
      items: [
        { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
        { path: 'annotations', fieldRef: { fieldPath: 'metadata.annotations' } },
        { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
        { path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } },
        { path: 'uid', fieldRef: { fieldPath: 'metadata.uid' }, mode: 0o400 },
        { path: 'cpu', resourceFieldRef: { containerName: 'c', resource: 'limits.cpu', divisor: '1m' } },
      ],
    });
    expect(text(payload)).toEqual({
      labels: 'a="1"\nb="2"@644',
      annotations: 'x="y"@644',
      name: 'web@644',
      namespace: 'ns@644',
      uid: 'u@400',
      cpu: '250@644',
    });
  });
});
