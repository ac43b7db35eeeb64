import { request } from 'node:https';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeKubeProtobuf } from '../../../services/apiserver/rest/kube-protobuf.js';
import type { ControlPlane } from '../../harness/control-plane.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { kubectl, kubectlOk, requireKubectl, restRequest, restServer, writeKubeconfig } from './rest-helpers.js';

/** A GET whose response is kept as bytes (a protobuf body), with its Content-Type. */
function getBytes(cp: ControlPlane, path: string, accept: string): Promise<{ type: string | undefined; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${restServer(cp)}${path}`, { ca: cp.caPem, headers: { Authorization: `Bearer ${cp.token}`, Accept: accept } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ type: res.headers['content-type'], body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

// kubectl 1.32's typed clients send their objects in Kubernetes' protobuf encoding and do not fall
// back to JSON: every generator, expose, autoscale, create token, scale and rollout here goes
// through the protobuf reader, and what they made is read back as JSON. Also: kubectl validates a
// manifest of a kind's older served version (autoscaling/v1) against that version's OpenAPI; and a
// client that takes only protobuf gets protobuf.

describe('kubectl 1.32 generators (protobuf bodies) over the HTTP API', () => {
  const f = useControlPlane();
  let config: string;
  const ok = (args: string[]): Promise<string> => kubectlOk(config, args);
  const json = async (args: string[]): Promise<any> => JSON.parse(await ok([...args, '-o', 'json']));
  beforeAll(() => {
    requireKubectl();
    config = writeKubeconfig(f.cp, 'admin');
  });

  it('creates namespaces, configmaps and secrets', async () => {
    expect(await ok(['create', 'namespace', 'proto'])).toBe('namespace/proto created\n');
    expect(await ok(['create', 'configmap', 'settings', '-n', 'proto', '--from-literal=a=1', '--from-literal=b=two'])).toBe('configmap/settings created\n');
    expect((await json(['get', 'configmap', 'settings', '-n', 'proto'])).data).toEqual({ a: '1', b: 'two' });
    expect(await ok(['create', 'secret', 'generic', 'creds', '-n', 'proto', '--from-literal=password=s3cret'])).toBe('secret/creds created\n');
    const secret = await json(['get', 'secret', 'creds', '-n', 'proto']);
    expect([secret.type, Buffer.from(secret.data.password, 'base64').toString()]).toEqual(['Opaque', 's3cret']);
    expect(await ok(['create', 'secret', 'docker-registry', 'pull', '-n', 'proto', '--docker-username=u', '--docker-password=p', '--docker-server=127.0.0.1:1'])).toBe('secret/pull created\n');
    expect((await json(['get', 'secret', 'pull', '-n', 'proto'])).type).toBe('kubernetes.io/dockerconfigjson');
  });

  it('creates a deployment, exposes, autoscales, scales and rolls it', async () => {
    expect(await ok(['create', 'deployment', 'web', '--image=busybox:1.36', '--replicas=0', '--port=8080', '--', 'sleep', '3600'])).toBe('deployment.apps/web created\n');
    const deployment = await json(['get', 'deployment', 'web']);
    // replicas 0 is sent as a set zero (a pointer in Kubernetes), not dropped to the default of 1.
    expect(deployment.spec.replicas).toBe(0);
    expect(deployment.spec.template.spec.containers[0]).toMatchObject({ name: 'busybox', image: 'busybox:1.36', command: ['sleep', '3600'], ports: [{ containerPort: 8080, protocol: 'TCP' }] });
    expect(await ok(['expose', 'deployment', 'web', '--port=80', '--target-port=8080'])).toBe('service/web exposed\n');
    const service = await json(['get', 'service', 'web']);
    expect(service.spec).toMatchObject({ type: 'ClusterIP', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
    expect(await ok(['autoscale', 'deployment', 'web', '--min=1', '--max=3', '--cpu-percent=50'])).toBe('horizontalpodautoscaler.autoscaling/web autoscaled\n');
    expect(await ok(['get', 'hpa', 'web', '-o', 'jsonpath={.spec.minReplicas}/{.spec.maxReplicas}'])).toBe('1/3');
    expect(await ok(['scale', 'deployment', 'web', '--replicas=2'])).toBe('deployment.apps/web scaled\n');
    expect((await json(['get', 'deployment', 'web'])).spec.replicas).toBe(2);
    expect(await ok(['rollout', 'pause', 'deployment/web'])).toBe('deployment.apps/web paused\n');
    expect(await ok(['rollout', 'resume', 'deployment/web'])).toBe('deployment.apps/web resumed\n');
    expect(await ok(['rollout', 'restart', 'deployment/web'])).toBe('deployment.apps/web restarted\n');
    expect((await json(['get', 'deployment', 'web'])).spec.template.metadata.annotations).toHaveProperty(['kubectl.kubernetes.io/restartedAt']);
  });

  it('creates services of each type, jobs, cronjobs and priority classes', async () => {
    expect(await ok(['create', 'service', 'clusterip', 'cip', '--tcp=80:8080'])).toBe('service/cip created\n');
    expect(await ok(['create', 'service', 'nodeport', 'np', '--tcp=80:8080'])).toBe('service/np created\n');
    expect((await json(['get', 'service', 'np'])).spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    expect(await ok(['create', 'service', 'externalname', 'ext', '--external-name=db.example.internal'])).toBe('service/ext created\n');
    expect(await ok(['create', 'job', 'once', '--image=busybox:1.36', '--', 'echo', 'hi'])).toBe('job.batch/once created\n');
    expect((await json(['get', 'job', 'once'])).spec.template.spec).toMatchObject({ restartPolicy: 'Never', containers: [{ command: ['echo', 'hi'] }] });
    expect(await ok(['create', 'cronjob', 'tick', '--image=busybox:1.36', '--schedule=*/5 * * * *', '--', 'date'])).toBe('cronjob.batch/tick created\n');
    expect(await ok(['create', 'job', 'from-tick', '--from=cronjob/tick'])).toBe('job.batch/from-tick created\n');
    expect(await ok(['create', 'priorityclass', 'urgent', '--value=1000', '--description=first', '--preemption-policy=Never'])).toBe('priorityclass.scheduling.k8s.io/urgent created\n');
    expect(await ok(['get', 'priorityclass', 'urgent', '-o', 'jsonpath={.value}/{.preemptionPolicy}'])).toBe('1000/Never');
  });

  it('creates quotas, RBAC objects, service accounts and their tokens, ingresses', async () => {
    expect(await ok(['create', 'quota', 'small', '--hard=cpu=1,pods=2'])).toBe('resourcequota/small created\n');
    expect((await json(['get', 'quota', 'small'])).spec.hard).toEqual({ cpu: '1', pods: '2' });
    expect(await ok(['create', 'role', 'reader', '--verb=get', '--resource=pods'])).toBe('role.rbac.authorization.k8s.io/reader created\n');
    expect(await ok(['create', 'rolebinding', 'reader', '--role=reader', '--user=jane'])).toBe('rolebinding.rbac.authorization.k8s.io/reader created\n');
    expect(await ok(['create', 'clusterrole', 'nodes', '--verb=list', '--resource=nodes'])).toBe('clusterrole.rbac.authorization.k8s.io/nodes created\n');
    expect(await ok(['create', 'clusterrolebinding', 'nodes', '--clusterrole=nodes', '--group=ops'])).toBe('clusterrolebinding.rbac.authorization.k8s.io/nodes created\n');
    expect(await ok(['create', 'serviceaccount', 'robot'])).toBe('serviceaccount/robot created\n');
    const token = (await ok(['create', 'token', 'robot', '--duration=10m'])).trim();
    expect(token.split('.')).toHaveLength(3);
    expect(await ok(['create', 'ingress', 'site', '--rule=site.example/=web:80'])).toBe('ingress.networking.k8s.io/site created\n');
    expect((await json(['get', 'ingress', 'site'])).spec.rules[0]).toMatchObject({ host: 'site.example', http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }] } });
  });

  it('refuses an invalid object sent in protobuf with the usual message', async () => {
    const r = await kubectl(config, ['create', 'deployment', 'Bad_Name', '--image=busybox:1.36']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: failed to create deployment: Deployment "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name"/);
  });

  it('applies an autoscaling/v1 HPA with --validate=strict, and refuses a v2 field in it', async () => {
    const hpa = (extra: string): string => `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: v1-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 4
  targetCPUUtilizationPercentage: 60${extra}
`;
    expect(await kubectlOk(config, ['apply', '--validate=strict', '-f', '-'], hpa(''))).toBe('horizontalpodautoscaler.autoscaling/v1-hpa created\n');
    expect(await ok(['get', 'horizontalpodautoscalers.v1.autoscaling', 'v1-hpa', '-o', 'jsonpath={.spec.targetCPUUtilizationPercentage}'])).toBe('60');
    const r = await kubectl(config, ['apply', '--validate=strict', '-f', '-'], hpa('\n  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/unknown field "spec\.metrics"/);
  });

  it('answers in protobuf a client that takes nothing else, and in JSON one that also takes JSON', async () => {
    const path = '/api/v1/namespaces/proto/configmaps/settings';
    const json = (await restRequest(f.cp, 'GET', path)).json();
    const proto = await getBytes(f.cp, path, 'application/vnd.kubernetes.protobuf');
    expect(proto.type).toBe('application/vnd.kubernetes.protobuf');
    expect(decodeKubeProtobuf(proto.body).object).toEqual(json);
    const list = await getBytes(f.cp, '/apis/apps/v1/namespaces/default/deployments', 'application/vnd.kubernetes.protobuf');
    expect((decodeKubeProtobuf(list.body).object.items as { metadata: { name: string } }[]).map((d) => d.metadata.name)).toContain('web');
    expect((await getBytes(f.cp, path, 'application/vnd.kubernetes.protobuf,application/json')).type).toBe('application/json');
    const missing = await getBytes(f.cp, '/api/v1/namespaces/proto/configmaps/nobody', 'application/vnd.kubernetes.protobuf');
    expect(missing.type).toBe('application/vnd.kubernetes.protobuf');
    expect(decodeKubeProtobuf(missing.body).object).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404, details: { name: 'nobody', kind: 'configmaps' } });
  });
});
