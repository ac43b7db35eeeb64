import { describe, expect, it } from 'vitest';
import { changedFields, decodeFields, describePath, encodedFieldsOf, encodeFields, fieldsOf, removeFields, union, valueAt, type Json, type JsonObject } from './field-set.js';

const deployment = (): JsonObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'u1', resourceVersion: '5', labels: { app: 'web' }, finalizers: ['a', 'b'] },
  spec: {
    replicas: 2,
    template: { spec: { containers: [{ name: 'app', image: 'nginx:1', ports: [{ containerPort: 80 }], args: ['x', 'y'] }] } },
  },
  status: { replicas: 2 },
});

describe('fieldsOf', () => {
  it('names object fields, keyed list elements, set values and atomic lists as FieldsV1 does', () => {
    expect(encodeFields(fieldsOf(deployment(), 'main'))).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {} }, 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"app"}': {
                '.': {},
                'f:name': {},
                'f:image': {},
                'f:ports': { 'k:{"containerPort":80}': { '.': {}, 'f:containerPort': {} } },
                'f:args': {},
              },
            },
          },
        },
      },
    });
  });

  it('keeps status apart: the main resource owns everything else, the status subresource only status', () => {
    expect([...fieldsOf(deployment(), 'status').keys()]).toEqual(['f:status\nf:replicas']);
    expect(fieldsOf(deployment(), 'all').has('f:status\nf:replicas')).toBe(true);
    expect(fieldsOf(deployment(), 'main').has('f:status\nf:replicas')).toBe(false);
  });

  it('leaves out the metadata the server sets or that names the object', () => {
    const keys = [...fieldsOf(deployment()).keys()].filter((k) => k.startsWith('f:metadata'));
    expect(keys.every((k) => k.startsWith('f:metadata\nf:labels') || k.startsWith('f:metadata\nf:finalizers'))).toBe(true);
  });
});

describe('encodeFields and decodeFields', () => {
  it('round-trip, with `.` where a path ends at a node that has children', () => {
    const set = fieldsOf(deployment());
    const decoded = decodeFields(JSON.parse(JSON.stringify(encodeFields(set))) as JsonObject);
    expect(new Set(decoded.keys())).toEqual(new Set(set.keys()));
  });

  it('reads Kubernetes-written FieldsV1, `.` on maps included', () => {
    const set = decodeFields({ 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } });
    expect([...set.keys()].sort()).toEqual(['f:metadata\nf:labels', 'f:metadata\nf:labels\nf:app']);
  });
});

describe('valueAt and describePath', () => {
  it('follow keyed elements and set values', () => {
    const path = ['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"app"}', 'f:image'];
    expect(valueAt(deployment(), path)).toBe('nginx:1');
    expect(valueAt(deployment(), ['f:metadata', 'f:finalizers', 'v:"b"'])).toBe('b');
    expect(valueAt(deployment(), ['f:metadata', 'f:finalizers', 'v:"c"'])).toBeUndefined();
    expect(describePath(path)).toBe('.spec.template.spec.containers[name="app"].image');
    expect(describePath(['f:metadata', 'f:finalizers', 'v:"b"'])).toBe('.metadata.finalizers[="b"]');
  });
});

describe('changedFields', () => {
  it('finds set, changed and removed fields; a list element counts as changed only when new', () => {
    const before = deployment();
    const after = deployment();
    (after.spec as JsonObject).replicas = 3;
    const container = ((((after.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[])[0]!;
    container.image = 'nginx:2';
    delete (after.metadata as JsonObject).labels;
    const { changed, removed } = changedFields(fieldsOf(before, 'main'), fieldsOf(after, 'main'), before, after);
    expect([...changed.values()].map(describePath).sort()).toEqual(['.spec.replicas', '.spec.template.spec.containers[name="app"].image']);
    expect([...removed.values()].map(describePath)).toEqual(['.metadata.labels.app']);
  });
});

describe('removeFields', () => {
  it('removes fields and the containers they leave empty', () => {
    const object = deployment();
    const set = union(fieldsOf({ spec: { replicas: 1 } }), fieldsOf({ metadata: { labels: { app: 'x' } } }));
    removeFields(object, set, new Map());
    expect((object.spec as JsonObject).replicas).toBeUndefined();
    expect((object.metadata as JsonObject).labels).toBeUndefined();
  });

  it('removes a list element whole unless another owner holds a field inside it, and never its key', () => {
    const containers = (o: JsonObject): JsonObject[] => (((o.spec as JsonObject).template as JsonObject).spec as JsonObject).containers as JsonObject[];
    const mine = fieldsOf({ spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1' }] } } } });
    const gone = deployment();
    removeFields(gone, mine, new Map());
    expect((gone.spec as JsonObject).template).toBeUndefined();

    const shared = deployment();
    const theirs = fieldsOf({ spec: { template: { spec: { containers: [{ name: 'app', args: ['x'] }] } } } });
    theirs.delete('f:spec\nf:template\nf:spec\nf:containers\nk:{"name":"app"}\nf:name');
    removeFields(shared, mine, theirs);
    expect(containers(shared)).toEqual([{ name: 'app', ports: [{ containerPort: 80 }], args: ['x', 'y'] }]);
  });

  it('removes one value of a set list', () => {
    const object = deployment();
    removeFields(object, fieldsOf({ metadata: { finalizers: ['a'] } }), new Map());
    expect((object.metadata as JsonObject).finalizers).toEqual(['b']);
  });
});

describe('encodedFieldsOf', () => {
  const viaSet = (json: JsonObject, part: 'all' | 'main' | 'status'): string | undefined => {
    const set = fieldsOf(json, part);
    return set.size > 0 ? JSON.stringify(encodeFields(set)) : undefined;
  };
  const pod = (containers: Json[], extra: JsonObject = {}): JsonObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', uid: 'u', labels: { app: 'web', 'a.b/c': 'd' }, finalizers: ['x'], ownerReferences: [{ uid: 'o1', name: 'rs' }] },
    spec: { containers, tolerations: [{ key: 'k', operator: 'Exists' }], nodeSelector: {}, ...extra },
    status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
  });
  const cases: [string, JsonObject][] = [
    ['a Deployment', deployment()],
    ['a Pod with keyed lists inside keyed lists', pod([{ name: 'a', image: 'i', ports: [{ containerPort: 80, protocol: 'TCP' }, { containerPort: 81 }], env: [{ name: 'E', value: 'v' }] }, { name: 'b', image: 'j' }])],
    ['fields that are null, empty objects and empty lists', pod([{ name: 'a', image: null, args: [], resources: {} }], { affinity: { nodeAffinity: null }, volumes: [] })],
    ['a list element whose fields are all null but its key', pod([{ name: 'a', image: null }])],
    ['a keyed list with a repeated key', pod([{ name: 'a', image: 'i' }, { name: 'a', args: ['x'] }, { name: 'b' }])],
    ['a repeated key whose field is a leaf in one element and an object in the other', pod([{ name: 'a', resources: 'leaf' }, { name: 'a', resources: { limits: { cpu: '1' } } }])],
    ['the same, the object first', pod([{ name: 'a', resources: { limits: { cpu: '1' } } }, { name: 'a', resources: 'leaf' }])],
    ['a set list with a repeated value', { metadata: { finalizers: ['a', 'b', 'a'] } }],
    ['a list that is not all keyed, so atomic', pod([{ name: 'a' }, { image: 'no-name' }])],
    ['a field name holding the path separator', { metadata: { annotations: { 'a\nb': 'x', a: 'y' } }, spec: { 'a\nf:b': {}, a: { b: 1 } } }],
    ['nothing owned', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', uid: 'u', labels: { a: null } } }],
    ['empty metadata, and metadata with only what nobody owns', { metadata: {}, spec: { a: 1 }, status: { metadata: { name: 'x' } } }],
    ['names JSON escapes: quotes, backslashes, control characters, surrogates', { metadata: { labels: { 'a"b': 'x', 'c\\d': 'y', 'e\tf': 'z', 'g\ud800': 'w', 'h\ud83d\ude00': 'v' } } }],
    ['keyed elements and set values that JSON escapes', pod([{ name: 'a"b', image: 'i' }], { volumes: [{ name: 'v\\1' }] })],
  ];
  for (const [what, json] of cases) {
    for (const part of ['all', 'main', 'status'] as const) {
      it(`writes what encodeFields of fieldsOf writes: ${what}, part ${part}`, () => {
        expect(encodedFieldsOf(json, part)).toEqual(viaSet(json, part));
      });
    }
  }

  it('differs for objects of different shapes', () => {
    const one = encodedFieldsOf(pod([{ name: 'a', image: 'i' }]));
    expect(encodedFieldsOf(pod([{ name: 'b', image: 'i' }]))).not.toEqual(one);
    expect(encodedFieldsOf(pod([{ name: 'a', image: 'i', args: ['x'] }]))).not.toEqual(one);
    expect(encodedFieldsOf(pod([{ name: 'a', image: 'other' }]))).toEqual(one);
  });
});
