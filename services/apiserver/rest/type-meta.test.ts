import { describe, expect, it } from 'vitest';
import { resourceByKind, versionedResource } from '../../../lib/api/resources.js';
import { parseObjectJSON, typeMetaMismatch } from './type-meta.js';

const configMaps = resourceByKind('ConfigMap')!;
const FIND_KIND = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';
const unrecognized = (problem: string, summary: string): string =>
  `the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: ${problem} (${summary})`;

function refusal(body: string): string | undefined {
  try {
    const object = parseObjectJSON(configMaps, Buffer.from(body));
    return typeMetaMismatch(configMaps, object)?.message;
  } catch (err) {
    return (err as Error).message;
  }
}

describe('a create body read as Kubernetes reads its apiVersion and kind', () => {
  it.each([
    ['an array', '[]', unrecognized(`json: cannot unmarshal array into Go value of type ${FIND_KIND}`, '5b5d')],
    ['a string', '"cm"', unrecognized(`json: cannot unmarshal string into Go value of type ${FIND_KIND}`, '22636d22')],
    ['a number', '42', unrecognized(`json: cannot unmarshal number into Go value of type ${FIND_KIND}`, '3432')],
    ['truncated JSON', '{"apiVersion":"v1","kind":"ConfigMap"', unrecognized('unexpected end of JSON input', '{"apiVersion":"v1","kind":"Con ...')],
    ['a syntax error', '{"kind":"ConfigMap",}', unrecognized(`invalid character '}' looking for beginning of object key string`, '{"kind":"ConfigMap",}')],
    ['an empty body', '', unrecognized('unexpected end of JSON input', '<empty>')],
    ['a kind that is not a string', '{"apiVersion":"v1","kind":7}', unrecognized('json: cannot unmarshal number into Go struct field .kind of type string', '{"apiVersion":"v1","kind":7}')],
    ['an apiVersion that is not a string, first', '{"apiVersion":["v1"],"kind":7}', unrecognized('json: cannot unmarshal array into Go struct field .apiVersion of type string', '{"apiVersion":["v1"],"kind":7}')],
    ['a long array, in hex', `[${'1,'.repeat(20)}1]`, unrecognized(`json: cannot unmarshal array into Go value of type ${FIND_KIND}`, `${Buffer.from(`[${'1,'.repeat(20)}`).subarray(0, 30).toString('hex')} ...`)],
    ['another kind the API serves', '{"apiVersion":"v1","kind":"Secret"}', 'Secret in version "v1" cannot be handled as a ConfigMap: converting (v1.Secret) to (core.ConfigMap): unknown conversion'],
    ['a kind of another group', '{"apiVersion":"apps/v1","kind":"Deployment"}', 'Deployment in version "v1" cannot be handled as a ConfigMap: converting (v1.Deployment) to (core.ConfigMap): unknown conversion'],
    ['a kind no version serves', '{"apiVersion":"v1","kind":"configmap"}', 'configmap in version "v1" cannot be handled as a ConfigMap: no kind "configmap" is registered for version "v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'],
    ['its kind in a group without it', '{"apiVersion":"apps/v1","kind":"ConfigMap"}', 'ConfigMap in version "v1" cannot be handled as a ConfigMap: no kind "ConfigMap" is registered for version "apps/v1" in scheme "pkg/api/legacyscheme/scheme.go:30"'],
  ])('refuses %s', (_what, body, message) => {
    expect(refusal(body)).toBe(message);
  });

  it.each([
    ['its own apiVersion and kind', '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"}}'],
    ['no apiVersion nor kind (the route says)', '{"metadata":{"name":"a"}}'],
    ['null ones', '{"apiVersion":null,"kind":null}'],
    ['null, an empty object', 'null'],
  ])('takes %s', (_what, body) => {
    expect(refusal(body)).toBeUndefined();
  });

  it('names the internal type of the route\'s group, and refuses the route\'s kind in another version', () => {
    const deployments = resourceByKind('Deployment')!;
    expect(typeMetaMismatch(deployments, { apiVersion: 'apps/v1', kind: 'ReplicaSet' })?.message).toBe(
      'ReplicaSet in version "v1" cannot be handled as a Deployment: converting (v1.ReplicaSet) to (apps.Deployment): unknown conversion',
    );
    const hpa = resourceByKind('HorizontalPodAutoscaler')!;
    const other = hpa.servedVersions.find((v) => v !== hpa.version)!;
    expect(typeMetaMismatch(versionedResource(hpa, other)!, { apiVersion: hpa.apiVersion, kind: 'HorizontalPodAutoscaler' })?.message).toBe(
      `the API version in the data (${hpa.apiVersion}) does not match the expected API version (autoscaling/${other})`,
    );
  });
});
