import { describe, expect, it } from 'vitest';
import { runVerb } from '../testing/run-verb.js';
import { explain, wrap } from './explain.js';

// The layout is kubectl 1.32's (its plaintext template over the server's OpenAPI v3 schema; checked byte for byte against kubectl 1.32 explain on a kubets apiserver), and the
// texts are the proto's comments, which the apiserver's OpenAPI schema carries to kubectl too.
describe('kubets explain', () => {
  it('prints a kind: KIND, VERSION, its description and its fields with types and descriptions', () => {
    expect(explain('pods')).toBe(`KIND:       Pod
VERSION:    v1

DESCRIPTION:
    A group of containers that share a network identity and volumes and are
    scheduled onto one node together; the smallest thing Kubernetes runs.
    
FIELDS:
  apiVersion\t<string>
    The versioned schema of this representation of an object: its API group and
    version ("v1", "apps/v1"). Servers convert recognized schemas to the latest
    internal value.

  kind\t<string>
    The REST resource this object represents, in CamelCase ("Pod",
    "Deployment"). Servers infer it from the endpoint the client submits
    requests to.

  metadata\t<ObjectMeta>
    Standard object metadata: name, namespace, labels, annotations.

  spec\t<PodSpec>
    The desired behavior of the pod.

  status\t<PodStatus>
    The most recently observed status of the pod, written by the system;
    read-only for users.


`);
  });

  it("prints a field: the FIELD line, the field's and its type's descriptions, -required- markers and <no description>", () => {
    const out = explain('pods.spec.containers');
    expect(out).toMatch(/^KIND: {7}Pod\nVERSION: {4}v1\n\nFIELD: containers <\[\]Container>\n\n\nDESCRIPTION:\n {4}The pod's application containers\. /);
    expect(out).toContain('\n    One application container of a pod: the image to run, its command,\n');
    expect(out).toContain('\n  name\t<string> -required-\n    The container\'s name, a DNS label, unique within the pod.\n\n');
    expect(out).toContain('\n  stdin\t<boolean>\n    <no description>\n\n');
    expect(explain('pods.spec.containers.ports')).toContain('\n  containerPort\t<integer> -required-\n');
  });

  it('names a group, encoded types (IntOrString, Quantity, times as strings) and maps as kubectl does', () => {
    expect(explain('deployments').startsWith('GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\n')).toBe(true);
    expect(explain('services.spec.ports')).toContain('\n  targetPort\t<IntOrString>\n');
    expect(explain('pods.spec.containers.resources')).toContain('\n  limits\t<map[string]Quantity>\n');
    expect(explain('pods.metadata')).toContain('\n  creationTimestamp\t<string>\n');
  });

  it('prints a scalar field without FIELDS', () => {
    expect(explain('pods.spec.containers.name')).toBe(
      "KIND:       Pod\nVERSION:    v1\n\nFIELD: name <string>\n\n\nDESCRIPTION:\n    The container's name, a DNS label, unique within the pod.\n    \n\n",
    );
    expect(explain('pods.spec.containers.stdin')).toBe('KIND:       Pod\nVERSION:    v1\n\nFIELD: stdin <boolean>\n\n\nDESCRIPTION:\n    <empty>\n\n');
  });

  it('--recursive prints the tree of names and types, two spaces a level, with -required- markers', () => {
    const out = explain('deployments.spec', true);
    expect(out).toContain('FIELDS:\n  minReadySeconds\t<integer>\n  paused\t<boolean>\n');
    expect(out).toContain('\n  selector\t<LabelSelector> -required-\n    matchExpressions\t<[]LabelSelectorRequirement>\n      key\t<string>\n');
    expect(out).toContain('\n  template\t<PodTemplateSpec> -required-\n    metadata\t<ObjectMeta>\n');
    expect(out).toContain('\n      containers\t<[]Container> -required-\n        args\t<[]string>\n');
    expect(out).not.toContain('<no description>');
  });

  it("answers unknown fields and types in kubectl's words", async () => {
    expect(await runVerb(['explain', 'pods.spec.nope'], {})).toMatchObject({ stderr: 'error: field "nope" does not exist\n', code: 1 });
    expect((await runVerb(['explain', 'podz'], {})).stderr).toBe(`error: the server doesn't have a resource type "podz"\n`);
    expect((await runVerb(['explain', 'svc', '--recursive'], {})).stdout).toContain('\n  spec\t<ServiceSpec>\n    clusterIP\t<string>\n');
  });

  it('wraps words greedily to the width, keeping a longer word whole', () => {
    expect(wrap('aa bb cc', 5)).toEqual(['aa bb', 'cc']);
    expect(wrap('https://example.com/very/long x', 10)).toEqual(['https://example.com/very/long', 'x']);
  });
});
