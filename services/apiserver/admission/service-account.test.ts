import { describe, expect, it } from 'vitest';
import type { Pod, ServiceAccount } from '../../../lib/api/generated/index.js';
import { ServiceAccountAdmission, SERVICE_ACCOUNT_MOUNT_PATH } from './service-account.js';

const accounts = new Map<string, ServiceAccount>([
  ['dev/default', { metadata: { name: 'default', namespace: 'dev' } }],
  ['dev/builder', { metadata: { name: 'builder', namespace: 'dev' }, automountServiceAccountToken: false }],
]);
const admission = new ServiceAccountAdmission(async (ns, name) => accounts.get(`${ns}/${name}`));

function pod(spec: Pod['spec'] = {}, annotations?: Record<string, string>): Pod {
  return { metadata: { name: 'web', namespace: 'dev', annotations }, spec: { containers: [{ name: 'app', image: 'busybox:1' }], ...spec } };
}

describe('ServiceAccount admission', () => {
  it('runs a pod as `default` and mounts its API credentials read-only into every container', async () => {
    const p = pod({ initContainers: [{ name: 'init', image: 'busybox:1' }] });
    await admission.admit('create', p);
    expect(p.spec!.serviceAccountName).toBe('default');
    const volume = p.spec!.volumes![0]!;
    expect(volume.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volume.projected).toEqual({
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    for (const c of [...p.spec!.initContainers!, ...p.spec!.containers!]) {
      expect(c.volumeMounts).toEqual([{ name: volume.name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }]);
    }
  });

  it('refuses a pod whose ServiceAccount does not exist', async () => {
    await expect(admission.admit('create', pod({ serviceAccountName: 'ghost' }))).rejects.toThrow(
      'pods "web" is forbidden: error looking up service account dev/ghost: serviceaccount "ghost" not found',
    );
  });

  it('mounts nothing when the pod or its account opts out, the pod deciding first', async () => {
    const optedOut = pod({ automountServiceAccountToken: false });
    await admission.admit('create', optedOut);
    expect(optedOut.spec!.volumes).toBeUndefined();
    const byAccount = pod({ serviceAccountName: 'builder' });
    await admission.admit('create', byAccount);
    expect(byAccount.spec!.volumes).toBeUndefined();
    const optedIn = pod({ serviceAccountName: 'builder', automountServiceAccountToken: true });
    await admission.admit('create', optedIn);
    expect(optedIn.spec!.volumes).toHaveLength(1);
  });

  it('leaves updates and mirror pods alone', async () => {
    const updated = pod();
    await admission.admit('update', updated);
    expect(updated.spec!.serviceAccountName).toBeUndefined();
    const mirror = pod({}, { 'kubernetes.io/config.mirror': 'abc' });
    await admission.admit('create', mirror);
    expect(mirror.spec).toEqual(pod().spec);
  });
});
