import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as t from '../../../lib/api/generated/index.js';
import { runVerb } from '../../../cli/testing/run-verb.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { eventually, expectApiError, pod } from './helpers.js';
import { restRequest } from './rest-helpers.js';

// Pod Security admission through a real apiserver: baseline enforced by default, namespaces
// labelled to another level, warnings over the HTTP API, gRPC and the CLI, as kubectl users see them.

const hostPod = (name: string, namespace: string): t.Pod =>
  pod(name, namespace, {
    hostNetwork: true,
    volumes: [{ name: 'host', hostPath: { path: '/var/log' } }],
    containers: [{ name: 'c', image: 'busybox:1.36', securityContext: { privileged: true } }],
  });
const REFUSAL =
  'violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), hostPath volumes (volume "host"), privileged (container "c" must not set securityContext.privileged=true)';
const WOULD_RESTRICTED =
  'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';

describe('Pod Security admission', () => {
  const f = useControlPlane();
  let caFile: string;
  const cli = (...argv: string[]) => runVerb([...argv, '--server', f.cp.apiservers[0]!.address, '--token', f.cp.token, '--certificate-authority', caFile], {});

  beforeAll(async () => {
    caFile = join(f.cp.dataDir, 'ca-for-cli.crt');
    writeFileSync(caFile, f.cp.caPem);
    const namespaces = f.client.resource('namespace');
    await namespaces.create({ metadata: { name: 'open', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } });
    await namespaces.create({ metadata: { name: 'watched', labels: { 'pod-security.kubernetes.io/warn': 'restricted' } } });
  });

  it("refuses a hostNetwork, hostPath, privileged pod under the default baseline with Kubernetes' message", async () => {
    await expectApiError(f.client.resource('pod').create(hostPod('host', 'default')), 'Forbidden', `pods "host" is forbidden: ${REFUSAL}`);
    const rest = await restRequest(f.cp, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', ...hostPod('host', 'default') });
    expect(rest.status).toBe(403);
    expect(rest.json()).toMatchObject({ kind: 'Status', reason: 'Forbidden', message: `pods "host" is forbidden: ${REFUSAL}` });
  });

  it('admits the same pod in a privileged namespace and in kube-system', async () => {
    await f.client.resource('pod').create(hostPod('host', 'open'));
    await f.client.resource('pod').create(hostPod('host', 'kube-system'));
  });

  it('warns in warn mode over the HTTP API, and the CLI prints the warning as kubectl does', async () => {
    const rest = await restRequest(f.cp, 'POST', '/api/v1/namespaces/watched/pods', { apiVersion: 'v1', kind: 'Pod', ...pod('plain', 'watched') });
    expect(rest.status).toBe(201);
    expect(rest.headers.warning).toBe(`299 - "${WOULD_RESTRICTED.replace(/"/g, '\\"')}"`);
    const manifest = join(f.cp.dataDir, 'cli-pod.yaml');
    writeFileSync(manifest, 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: from-cli\n  namespace: watched\nspec:\n  containers:\n  - name: c\n    image: busybox:1.36\n');
    const created = await cli('create', '-f', manifest);
    expect(created).toMatchObject({ code: 0, stdout: 'pod/from-cli created\n' });
    expect(created.stderr).toBe(`Warning: ${WOULD_RESTRICTED}\n`);
  });

  it('warns about a Deployment whose template the namespace would refuse, and stores it', async () => {
    const manifest = join(f.cp.dataDir, 'cli-deployment.yaml');
    writeFileSync(
      manifest,
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n  namespace: default\nspec:\n  selector:\n    matchLabels: {app: d}\n  template:\n    metadata:\n      labels: {app: d}\n    spec:\n      hostNetwork: true\n      containers:\n      - name: c\n        image: busybox:1.36\n',
    );
    const created = await cli('create', '-f', manifest);
    expect(created).toMatchObject({ code: 0, stderr: 'Warning: would violate PodSecurity "baseline:latest": host namespaces (hostNetwork=true)\n' });
  });

  it('warns about existing pods when a namespace is labelled to a stricter level', async () => {
    await eventually(async () => (await f.client.resource('pod').list('open')).items.length === 1, 30_000, 'the pod in the cache');
    const labelled = await cli('label', 'namespace', 'open', 'pod-security.kubernetes.io/enforce=baseline', '--overwrite');
    expect(labelled.code).toBe(0);
    expect(labelled.stderr).toBe(
      `Warning: existing pods in namespace "open" violate the new PodSecurity enforce level "baseline:latest"\nWarning: host: ${REFUSAL.replace('violates PodSecurity "baseline:latest": ', '')}\n`,
    );
    await expectApiError(f.client.resource('pod').create(hostPod('second', 'open')), 'Forbidden');
  });

  it('refuses namespace labels that name no level', async () => {
    await expectApiError(
      f.client.resource('namespace').create({ metadata: { name: 'typo', labels: { 'pod-security.kubernetes.io/enforce': 'strict' } } }),
      'Invalid',
      'Namespace "typo" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
    );
  });
});
