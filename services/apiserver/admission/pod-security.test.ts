import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Namespace, Pod } from '../../../lib/api/generated/index.js';
import { resourceByField } from '../../../lib/api/resources.js';
import { newRequestScope, type RequestScope } from '../request-scope.js';
import { DEFAULT_POD_SECURITY_CONFIG, loadPodSecurityConfig, PodSecurityAdmission } from './pod-security.js';

const labelled = (name: string, labels: Record<string, string> = {}): Namespace => ({ metadata: { name, labels } });
const namespaces: Record<string, Namespace> = {
  plain: labelled('plain'),
  open: labelled('open', { 'pod-security.kubernetes.io/enforce': 'privileged' }),
  strict: labelled('strict', { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/enforce-version': 'v1.31' }),
  watched: labelled('watched', { 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' }),
  typo: labelled('typo', { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'one' }),
};
const hostPod = (namespace: string, name = 'web'): Pod => ({
  metadata: { name, namespace },
  spec: { hostNetwork: true, volumes: [{ name: 'v', hostPath: { path: '/' } }], containers: [{ name: 'c', image: 'busybox:1', securityContext: { privileged: true } }] },
});
const plainPod = (namespace: string, name = 'web'): Pod => ({ metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'busybox:1' }] } });

let existing: Pod[] = [];
const plugin = new PodSecurityAdmission(DEFAULT_POD_SECURITY_CONFIG, async (name) => namespaces[name], () => existing);
const pods = resourceByField('pod');

/** Runs fn with a request scope of user; returns the scope (its warnings and audit annotations). */
async function inScope(fn: (scope: RequestScope) => Promise<void>, user = 'alice'): Promise<RequestScope> {
  const scope = { ...newRequestScope(), user: { name: user, groups: [] } };
  await fn(scope);
  return scope;
}

const BASELINE_REFUSAL =
  'violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true), hostPath volumes (volume "v"), privileged (container "c" must not set securityContext.privileged=true)';

describe('PodSecurity admission', () => {
  it('enforces baseline by default, with Kubernetes message', async () => {
    await expect(inScope((within) => plugin.admit(pods, 'create', hostPod('plain'), undefined, within))).rejects.toMatchObject({ reason: 'Forbidden', message: `pods "web" is forbidden: ${BASELINE_REFUSAL}` });
    const scope = await inScope((within) => plugin.admit(pods, 'create', plainPod('plain'), undefined, within));
    expect(scope.annotations).toEqual({ 'pod-security.kubernetes.io/enforce-policy': 'baseline:latest' });
    expect([...scope.warnings]).toEqual([]);
  });

  it('lets a privileged namespace and kube-system run anything', async () => {
    await inScope((within) => plugin.admit(pods, 'create', hostPod('open'), undefined, within));
    const scope = await inScope((within) => plugin.admit(pods, 'create', hostPod('kube-system'), undefined, within));
    expect(scope.annotations).toEqual({ 'pod-security.kubernetes.io/exempt': 'namespace' });
  });

  it('names the pinned version in its message', async () => {
    await expect(plugin.admit(pods, 'create', plainPod('strict'))).rejects.toThrow(/^pods "web" is forbidden: violates PodSecurity "restricted:v1.31": allowPrivilegeEscalation != false/);
  });

  it('enforces restricted when the labels do not parse', async () => {
    await expect(plugin.admit(pods, 'create', plainPod('typo'))).rejects.toThrow(/violates PodSecurity "restricted:latest"/);
  });

  it('warns and audits in warn and audit mode without refusing', async () => {
    const scope = await inScope((within) => plugin.admit(pods, 'create', plainPod('watched'), undefined, within));
    const would =
      'would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")';
    expect([...scope.warnings]).toEqual([would]);
    expect(scope.annotations['pod-security.kubernetes.io/audit-violations']).toBe(would);
  });

  it('warns about pod templates instead of refusing them', async () => {
    const deployment = { metadata: { name: 'd', namespace: 'plain' }, spec: { template: { spec: hostPod('plain').spec } } };
    const scope = await inScope((within) => plugin.admit(resourceByField('deployment'), 'create', deployment, undefined, within));
    expect([...scope.warnings]).toEqual([`would ${BASELINE_REFUSAL.replace('violates', 'violate')}`]);
    const cronJob = { metadata: { name: 'cj', namespace: 'plain' }, spec: { jobTemplate: { spec: { template: { spec: hostPod('plain').spec } } } } };
    const cronScope = await inScope((within) => plugin.admit(resourceByField('cronJob'), 'create', cronJob, undefined, within));
    expect(cronScope.warnings.size).toBe(1);
  });

  it('skips pod updates that change only metadata or images', async () => {
    const old = hostPod('plain');
    const relabelled = { ...hostPod('plain'), metadata: { ...old.metadata, labels: { a: 'b' } } };
    await plugin.admit(pods, 'update', relabelled, old);
    const changed = hostPod('plain');
    changed.spec!.containers![0]!.securityContext = { privileged: true, runAsUser: 1 };
    await expect(plugin.admit(pods, 'update', changed, old)).rejects.toThrow(/violates PodSecurity/);
  });

  it('exempts configured users', async () => {
    const exemptUser = new PodSecurityAdmission({ ...DEFAULT_POD_SECURITY_CONFIG, exemptions: { ...DEFAULT_POD_SECURITY_CONFIG.exemptions, usernames: ['root-ci'] } }, async (n) => namespaces[n], () => []);
    const scope = await inScope((within) => exemptUser.admit(pods, 'create', hostPod('plain'), undefined, within), 'root-ci');
    expect(scope.annotations).toEqual({ 'pod-security.kubernetes.io/exempt': 'user' });
  });

  it('refuses namespace labels that are not a level or version', async () => {
    const ns = labelled('n', { 'pod-security.kubernetes.io/enforce': 'strict', 'pod-security.kubernetes.io/warn-version': '1.2' });
    await expect(plugin.admit(resourceByField('namespace'), 'create', ns)).rejects.toMatchObject({
      reason: 'Invalid',
      message:
        'Namespace "n" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "1.2": must be "latest" or "v1.x"]',
    });
  });

  it('warns about existing pods when a namespace gets a stricter enforce level', async () => {
    existing = [hostPod('plain', 'a'), hostPod('plain', 'b'), plainPod('plain', 'ok')];
    const tightened = labelled('plain', { 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/enforce-version': 'latest', x: 'y' });
    const unchanged = await inScope((within) => plugin.admit(resourceByField('namespace'), 'update', tightened, namespaces.plain, within));
    expect([...unchanged.warnings]).toEqual([]);
    const privileged = labelled('p', { 'pod-security.kubernetes.io/enforce': 'privileged' });
    const scope = await inScope((within) => plugin.admit(resourceByField('namespace'), 'update', labelled('p', { 'pod-security.kubernetes.io/enforce': 'baseline' }), privileged, within));
    expect([...scope.warnings]).toEqual([
      'existing pods in namespace "p" violate the new PodSecurity enforce level "baseline:latest"',
      `a (and 1 other pod): ${BASELINE_REFUSAL.replace('violates PodSecurity "baseline:latest": ', '')}`,
    ]);
    existing = [];
  });

  it('reads a PodSecurityConfiguration file over the defaults', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'podsec-'));
    const file = join(dir, 'config.yaml');
    await writeFile(file, 'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: restricted\n  warn: restricted\nexemptions:\n  namespaces: [kube-system, tools]\n');
    const config = await loadPodSecurityConfig(file);
    expect(config.defaults.enforce).toEqual({ level: 'restricted', version: 'latest' });
    expect(config.defaults.audit).toEqual({ level: 'privileged', version: 'latest' });
    expect(config.exemptions.namespaces).toEqual(['kube-system', 'tools']);
    await writeFile(file, 'kind: PodSecurityConfiguration\ndefaults:\n  enforce: strict\n');
    await expect(loadPodSecurityConfig(file)).rejects.toThrow(/defaults.enforce: must be one of privileged, baseline, restricted, not "strict"/);
  });
});
