import { describe, expect, it } from 'vitest';
import { resourceByField } from '../../../lib/api/resources.js';
import { validateObject } from '../registry/strategy.js';
import {
  createErrors,
  DNS1035_LABEL_MSG,
  DNS1123_LABEL_MSG,
  DNS1123_SUBDOMAIN_MSG,
  type Json,
  LABEL_VALUE_MSG,
  podManifest,
  QUALIFIED_NAME_PART_MSG,
  updateErrors,
} from './test-support.js';

function configMap(metadata: Json): Json {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cfg', ...metadata } };
}

const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'u1' };

describe('metadata on create', () => {
  it.each<[string, Json, string[]]>([
    ['a valid object', configMap({ labels: { app: 'web', 'example.com/tier': '' }, annotations: { 'Example.com/Note': 'x' } }), []],
    ['no name', configMap({ name: '' }), ['metadata.name: Required value: name or generateName is required']],
    ['a name that is not a DNS subdomain', configMap({ name: 'My_Config' }), [`metadata.name: Invalid value: "My_Config": ${DNS1123_SUBDOMAIN_MSG}`]],
    ['a generated name', configMap({ name: 'web-x7k2p', generateName: 'web-' }), []],
    ['a bad generateName', configMap({ name: 'web-x7k2p', generateName: 'Web-' }), [`metadata.generateName: Invalid value: "Web-": ${DNS1123_SUBDOMAIN_MSG}`]],
    [
      'a service name starting with a digit (DNS-1035)',
      { apiVersion: 'v1', kind: 'Service', metadata: { name: '1web' }, spec: { ports: [{ port: 80 }] } },
      [`metadata.name: Invalid value: "1web": ${DNS1035_LABEL_MSG}`],
    ],
    [
      'a namespace name with dots (DNS-1123 label)',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev.team' } },
      ['metadata.name: Invalid value: "dev.team": must not contain dots'],
    ],
    [
      'a namespace on a cluster-scoped kind',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'dev', namespace: 'default' } },
      ['metadata.namespace: Forbidden: not allowed on this type'],
    ],
    ['a bad namespace', configMap({ namespace: 'Default' }), [`metadata.namespace: Invalid value: "Default": ${DNS1123_LABEL_MSG}`]],
    ['a bad label key', configMap({ labels: { 'bad key': 'x' } }), [`metadata.labels: Invalid value: "bad key": ${QUALIFIED_NAME_PART_MSG}`]],
    ['a bad label value', configMap({ labels: { app: '-web' } }), [`metadata.labels: Invalid value: "-web": ${LABEL_VALUE_MSG}`]],
    ['a too long label value', configMap({ labels: { app: 'a'.repeat(64) } }), [`metadata.labels: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`]],
    [
      'a label key prefix that is not a subdomain',
      configMap({ labels: { 'Example.com/app': 'x' } }),
      [`metadata.labels: Invalid value: "Example.com/app": prefix part ${DNS1123_SUBDOMAIN_MSG}`],
    ],
    ['a bad annotation key', configMap({ annotations: { 'a/b/c': 'x' } }), [
      `metadata.annotations: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ]],
    ['annotations over 256 KiB', configMap({ annotations: { big: 'x'.repeat(256 * 1024) } }), ['metadata.annotations: Too long: may not be more than 262144 bytes']],
    ['a valid owner reference', configMap({ ownerReferences: [{ ...owner, controller: true }] }), []],
    [
      'an owner reference missing its fields',
      configMap({ ownerReferences: [{}] }),
      [
        'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
      ],
    ],
    [
      'two controllers',
      configMap({ ownerReferences: [{ ...owner, controller: true }, { ...owner, name: 'web-2', uid: 'u2', controller: true }] }),
      [
        'metadata.ownerReferences: Invalid value: [{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-1","uid":"u1","controller":true},{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"web-2","uid":"u2","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/web-1 and ReplicaSet/web-2',
      ],
    ],
    [
      'an Event as owner',
      configMap({ ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] }),
      ['metadata.ownerReferences: Invalid value: {"apiVersion":"v1","kind":"Event","name":"e","uid":"u"}: /v1, Kind=Event is disallowed from being an owner'],
    ],
    ['standard and qualified finalizers', configMap({ finalizers: ['kubernetes', 'orphan', 'example.com/cleanup'] }), []],
    ['an unqualified finalizer', configMap({ finalizers: ['cleanup'] }), ['metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified']],
    [
      'orphan and foreground deletion together',
      configMap({ finalizers: ['orphan', 'foregroundDeletion'] }),
      ['metadata.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set'],
    ],
    ['a negative generation', configMap({ generation: -1 }), ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });

  it('requires a namespace on namespaced kinds', () => {
    const info = resourceByField('configMap');
    expect(validateObject(info, { metadata: { name: 'cfg' } }).map(String)).toEqual(['metadata.namespace: Required value']);
  });
});

describe('metadata on update', () => {
  const pod = podManifest();
  const withMeta = (metadata: Json): Json => podManifest({}, metadata);

  it.each<[string, Json, string[]]>([
    ['an unchanged object', pod, []],
    ['new labels and annotations', withMeta({ labels: { app: 'web' }, annotations: { note: 'x' } }), []],
    ['the same uid', withMeta({ uid: 'uid-1' }), []],
    ['another uid', withMeta({ uid: 'uid-2' }), ['metadata.uid: Invalid value: "uid-2": field is immutable']],
    ['another name', withMeta({ name: 'web2' }), ['metadata.name: Invalid value: "web2": field is immutable']],
    ['another namespace', withMeta({ namespace: 'other' }), ['metadata.namespace: Invalid value: "other": field is immutable']],
    [
      'another creationTimestamp',
      withMeta({ creationTimestamp: '2025-01-01T00:00:00Z' }),
      ['metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable'],
    ],
    ['bad labels', withMeta({ labels: { app: '-x' } }), [`metadata.labels: Invalid value: "-x": ${LABEL_VALUE_MSG}`]],
  ])('%s', (_name, manifest, expected) => {
    expect(updateErrors(manifest, pod)).toEqual(expected);
  });

  it('rejects a generation lower than the stored one', () => {
    expect(updateErrors(podManifest({}, { generation: 1 }), podManifest({}, { generation: 3 }))).toEqual([
      'metadata.generation: Invalid value: 1: must not be decremented',
    ]);
  });

  it('forbids new finalizers once deletion started', () => {
    const deleting = { deletionTimestamp: '2024-01-01T00:00:00Z', deletionGracePeriodSeconds: 30, finalizers: ['example.com/a'] };
    expect(updateErrors(podManifest({}, { ...deleting, finalizers: ['example.com/a', 'example.com/b'] }), podManifest({}, deleting))).toEqual([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/b"}',
    ]);
    expect(updateErrors(podManifest({}, { ...deleting, finalizers: [] }), podManifest({}, deleting))).toEqual([]);
  });

  it('keeps the deletion timestamp', () => {
    expect(updateErrors(podManifest({}, { deletionTimestamp: '2024-01-02T00:00:00Z' }), pod)).toEqual([
      'metadata.deletionTimestamp: Invalid value: "2024-01-02T00:00:00Z": field is immutable',
    ]);
  });
});
