import { describe, expect, it } from 'vitest';
import { runVerb } from './testing/run-verb.js';

describe('--dry-run=client -o yaml of a generator verb', () => {
  it("prints what kubectl prints: creationTimestamp null, the namespace only when -n names it", async () => {
    const args = ['create', 'configmap', 'dd', '--from-literal=a=b', '--dry-run=client', '-o', 'yaml'];
    expect((await runVerb(args, {})).stdout).toBe('apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: dd\n');
    expect((await runVerb(['-n', 'team', ...args], {})).stdout).toBe(
      'apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: dd\n  namespace: team\n',
    );
  });
});

describe("--dry-run=client -o yaml prints Go's empty structs as kubectl does", () => {
  it('create deployment', async () => {
    const { stdout } = await runVerb(['create', 'deployment', 'web', '--image=nginx', '--dry-run=client', '-o', 'yaml'], {});
    expect(stdout).toBe(`apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx
        name: nginx
        resources: {}
status: {}
`);
  });

  it('run', async () => {
    const { stdout } = await runVerb(['run', 'nginx', '--image=nginx', '--dry-run=client', '-o', 'yaml'], {});
    expect(stdout).toBe(`apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: nginx
  name: nginx
spec:
  containers:
  - image: nginx
    name: nginx
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
`);
  });

  it('create namespace and create service clusterip', async () => {
    expect((await runVerb(['create', 'namespace', 'ns', '--dry-run=client', '-o', 'yaml'], {})).stdout).toBe(
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  creationTimestamp: null\n  name: ns\nspec: {}\nstatus: {}\n',
    );
    expect((await runVerb(['create', 'service', 'clusterip', 's', '--tcp=80:80', '--dry-run=client', '-o', 'yaml'], {})).stdout).toMatch(/\n {2}type: ClusterIP\nstatus:\n {2}loadBalancer: \{\}\n$/);
  });
});
