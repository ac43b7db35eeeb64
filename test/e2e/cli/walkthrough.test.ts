import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startCliEnvironment, type CliEnvironment } from './cli-harness.js';
import { parseTable, withoutAges } from './table.js';

// The book's walkthrough through the kubets CLI against a real apiserver and
// etcd. Only the control plane runs here, so controllers do not create pods: counts stay at 0.

const WALKTHROUGH = join(REPO_ROOT, 'test/e2e/fixtures/walkthrough');
const manifest = (name: string): string => join(WALKTHROUGH, name);

let env: CliEnvironment;

beforeAll(async () => {
  env = await startCliEnvironment();
});

afterAll(async () => {
  await env?.stop();
});

describe('the walkthrough', () => {
  it('creates the mysql RC and lists it with kubectl get rc columns', async () => {
    expect(await env.run(['create', '-f', manifest('mysql-rc.yaml')])).toEqual({ stdout: 'replicationcontroller/mysql created\n', stderr: '', code: 0 });
    const rc = await env.run(['get', 'rc']);
    expect(withoutAges(rc.stdout)).toBe('NAME    DESIRED   CURRENT   READY   AGE\nmysql   1         0         0       <age>\n');
  });

  it('creates the mysql service and shows its cluster IP', async () => {
    expect((await env.run(['create', '-f', manifest('mysql-svc.yaml')])).stdout).toBe('service/mysql created\n');
    const { header, rows } = parseTable((await env.run(['get', 'svc'])).stdout);
    expect(header).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(rows.map((r) => [r.NAME, r.TYPE, r['EXTERNAL-IP'], r['PORT(S)']])).toEqual([
      ['kubernetes', 'ClusterIP', '<none>', '443/TCP'],
      ['mysql', 'ClusterIP', '<none>', '3306/TCP'],
    ]);
    expect(rows[1]!['CLUSTER-IP']).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
  });

  it('creates the myweb RC and NodePort service', async () => {
    const created = await env.run(['create', '-f', manifest('myweb-rc.yaml'), '-f', manifest('myweb-svc.yaml')]);
    expect(created.stdout).toBe('replicationcontroller/myweb created\nservice/myweb created\n');
    const { rows } = parseTable((await env.run(['get', 'services'])).stdout);
    expect(rows.find((r) => r.NAME === 'myweb')).toMatchObject({ TYPE: 'NodePort', 'EXTERNAL-IP': '<none>', 'PORT(S)': '8080:30001/TCP' });
    expect(withoutAges((await env.run(['get', 'rc'])).stdout)).toBe(
      'NAME    DESIRED   CURRENT   READY   AGE\nmysql   1         0         0       <age>\nmyweb   5         0         0       <age>\n',
    );
  });

  it('prints a service as YAML with the defaults the apiserver filled in', async () => {
    const out = await env.run(['get', 'svc', 'myweb', '-o', 'yaml']);
    expect(out.code).toBe(0);
    expect(out.stdout.startsWith('apiVersion: v1\nkind: Service\nmetadata:\n')).toBe(true);
    const svc = parse(out.stdout) as { spec: Record<string, unknown>; status: unknown; metadata: Record<string, unknown> };
    expect(svc.metadata).toMatchObject({ name: 'myweb', namespace: 'default' });
    expect(svc.spec).toMatchObject({
      type: 'NodePort',
      sessionAffinity: 'None',
      selector: { app: 'myweb' },
      ports: [{ nodePort: 30001, port: 8080, protocol: 'TCP', targetPort: 8080 }],
    });
    expect(svc.status).toEqual({ loadBalancer: {} });
  });

  it('describes a service like kubectl describe svc', async () => {
    const { stdout } = await env.run(['describe', 'svc', 'mysql']);
    const fields = Object.fromEntries(
      stdout
        .split('\n')
        .filter((l) => /^[A-Z][^:]*:/.test(l))
        .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
    );
    expect(fields).toMatchObject({
      Name: 'mysql',
      Namespace: 'default',
      Labels: '<none>',
      Selector: 'app=mysql',
      Type: 'ClusterIP',
      Port: '<unset>  3306/TCP',
      TargetPort: '3306/TCP',
      'Session Affinity': 'None',
      Events: '<none>',
    });
  });

  it('lists endpoints and the pods of another namespace', async () => {
    // No endpoints controller runs here; write what it would have written for the mysql pod.
    const client = env.cp.client();
    await client.resource('endpoints').create({
      metadata: { name: 'mysql', namespace: 'default' },
      subsets: [{ addresses: [{ ip: '172.17.0.2' }], ports: [{ port: 3306, protocol: 'TCP' }] }],
    });
    expect(withoutAges((await env.run(['get', 'endpoints'])).stdout)).toBe('NAME    ENDPOINTS         AGE\nmysql   172.17.0.2:3306   <age>\n');
    // And the EndpointSlice the endpointslice controller would have written.
    await client.resource('endpointSlice').create({
      metadata: { name: 'mysql-x7k2p', namespace: 'default', labels: { 'kubernetes.io/service-name': 'mysql' } },
      addressType: 'IPv4',
      endpoints: [{ addresses: ['172.17.0.2'], conditions: { ready: true } }],
      ports: [{ port: 3306, protocol: 'TCP' }],
    });
    expect(withoutAges((await env.run(['get', 'endpointslices'])).stdout)).toBe('NAME          ADDRESSTYPE   PORTS   ENDPOINTS    AGE\nmysql-x7k2p   IPv4          3306    172.17.0.2   <age>\n');
    const yaml = (await env.run(['get', 'endpointslice', 'mysql-x7k2p', '-o', 'yaml'])).stdout;
    expect(yaml).toMatch(/^addressType: IPv4\napiVersion: discovery\.k8s\.io\/v1\nendpoints:\n- addresses:\n {2}- 172\.17\.0\.2\n {2}conditions:\n {4}ready: true\nkind: EndpointSlice\n/);
    // The apiserver defaults a port's name to "".
    expect(yaml).toMatch(/\nports:\n- name: ""\n {2}port: 3306\n {2}protocol: TCP\n$/);
    expect((await env.run(['create', '-f', manifest('development-namespace.yaml')])).stdout).toBe('namespace/development created\n');
    expect((await env.run(['create', '-f', manifest('busybox-pod.yaml')])).stdout).toBe('pod/busybox created\n');
    const pods = await env.run(['get', 'pods', '--namespace=development']);
    expect(withoutAges(pods.stdout)).toBe('NAME      READY   STATUS    RESTARTS   AGE\nbusybox   0/1     Pending   0          <age>\n');
    expect(await env.run(['get', 'pods'])).toMatchObject({ stdout: '', stderr: 'No resources found in default namespace.\n' });
  });

  it('scales an RC and autoscales a deployment', async () => {
    expect((await env.run(['scale', 'rc', 'myweb', '--replicas=3'])).stdout).toBe('replicationcontroller/myweb scaled\n');
    expect((await env.run(['get', 'rc', 'myweb', '-o', 'jsonpath={.spec.replicas}'])).stdout).toBe('3');
    expect((await env.run(['create', '-f', manifest('tomcat-deployment.yaml')])).stdout).toBe('deployment.apps/frontend created\n');
    expect(withoutAges((await env.run(['get', 'deployments'])).stdout)).toBe(
      'NAME       READY   UP-TO-DATE   AVAILABLE   AGE\nfrontend   0/1     0            0           <age>\n',
    );
    const autoscaled = await env.run(['autoscale', 'deployment', 'frontend', '--cpu-percent=90', '--min=1', '--max=10']);
    expect(autoscaled.stdout).toBe('horizontalpodautoscaler.autoscaling/frontend autoscaled\n');
    expect((await env.run(['create', '-f', manifest('php-apache-hpa.yaml')])).stdout).toBe('horizontalpodautoscaler.autoscaling/php-apache created\n');
    expect(withoutAges((await env.run(['get', 'hpa'])).stdout)).toBe(
      'NAME         REFERENCE               TARGETS              MINPODS   MAXPODS   REPLICAS   AGE\n' +
        'frontend     Deployment/frontend     cpu: <unknown>/90%   1         10        0          <age>\n' +
        'php-apache   Deployment/php-apache   cpu: <unknown>/90%   1         10        0          <age>\n',
    );
  });

  it('selects with set-based labels and fields, shows labels and wide columns', async () => {
    expect((await env.run(['get', 'rc', '-l', 'app in (mysql,nothing)', '-o', 'name'])).stdout).toBe('replicationcontroller/mysql\n');
    expect(await env.run(['get', 'rc', '-l', '!app', '-o', 'name'])).toEqual({ stdout: '', stderr: '', code: 0 });
    expect((await env.run(['get', 'rc', '-l', '!app'])).stderr).toBe('No resources found in default namespace.\n');
    const labelled = (await env.run(['get', 'rc', 'mysql', '--show-labels'])).stdout.split('\n');
    expect(labelled[0]).toMatch(/^NAME +DESIRED +CURRENT +READY +AGE +LABELS$/);
    expect(labelled[1]).toMatch(/^mysql +1 +0 +0 +(?:\d+[smhdy])+ +app=mysql$/);
    const pending = await env.run(['get', 'pods', '-A', '--field-selector', 'status.phase=Pending', '-o', 'wide']);
    const table = parseTable(pending.stdout);
    expect(table.header).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES']);
    expect(table.rows.map((r) => [r.NAMESPACE, r.NAME, r.IP, r.NODE])).toEqual([['development', 'busybox', '<none>', '<none>']]);
    expect((await env.run(['get', 'rc', '-o', 'custom-columns=NAME:.metadata.name,IMAGE:.spec.template.spec.containers[*].image'])).stdout).toBe(
      'NAME    IMAGE\nmysql   mysql:5.7\nmyweb   kubeguide/tomcat-app:v1\n',
    );
  });

  it('shows events and pods in describe, and answers version, cluster-info and api-resources', async () => {
    const client = env.cp.client();
    const rc = await client.resource('replicationController').get('default', 'mysql');
    await client.resource('event').create({
      metadata: { name: 'mysql.1', namespace: 'default' },
      involvedObject: { kind: 'ReplicationController', name: 'mysql', namespace: 'default', uid: rc.metadata?.uid ?? '', apiVersion: 'v1' },
      reason: 'SuccessfulCreate',
      message: 'Created pod: mysql-ck1n1',
      type: 'Normal',
      source: { component: 'replication-controller' },
      count: 1,
      firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    const described = (await env.run(['describe', 'rc', 'mysql'])).stdout;
    expect(described).toMatch(/^Name: +mysql\nNamespace: +default\nSelector: +app=mysql\n/);
    expect(described).toMatch(/\nEvents:\n {2}Type +Reason +Age +From +Message\n {2}---- +------ +---- +---- +-------\n {2}Normal +SuccessfulCreate +(?:\d+[smhdy])+ +replication-controller +Created pod: mysql-ck1n1\n$/);
    expect((await env.run(['version'])).stdout).toMatch(/^Client Version: v\d+\.\d+\.\d+\nServer Version: v\d+\.\d+\.\d+\n$/);
    expect((await env.run(['cluster-info'])).stdout).toMatch(
      new RegExp(`^Kubernetes control plane is running at https://${env.cp.apiservers[0]!.address.replace(/\./g, '\\.')}\n`),
    );
    const resources = parseTable((await env.run(['api-resources'])).stdout);
    expect(resources.header).toEqual(['NAME', 'SHORTNAMES', 'APIVERSION', 'NAMESPACED', 'KIND']);
    expect(resources.rows.find((r) => r.NAME === 'replicationcontrollers')).toEqual({
      NAME: 'replicationcontrollers',
      SHORTNAMES: 'rc',
      APIVERSION: 'v1',
      NAMESPACED: 'true',
      KIND: 'ReplicationController',
    });
  });

  it('gets several kinds at once with kind/name rows and a blank line between tables', async () => {
    const out = await env.run(['get', 'rc,svc']);
    const [rcs, svcs] = out.stdout.split('\n\n');
    expect(withoutAges(rcs!)).toBe(
      'NAME                          DESIRED   CURRENT   READY   AGE\n' +
        'replicationcontroller/mysql   1         0         0       <age>\n' +
        'replicationcontroller/myweb   3         0         0       <age>',
    );
    expect(parseTable(svcs!).rows.map((r) => r.NAME)).toEqual(['service/kubernetes', 'service/mysql', 'service/myweb']);
    const all = (await env.run(['get', 'all'])).stdout;
    expect(all.split('\n\n').map((t) => t.split('\n')[1]?.split(' ')[0])).toEqual([
      'replicationcontroller/mysql',
      'service/kubernetes',
      'deployment.apps/frontend',
      'horizontalpodautoscaler.autoscaling/frontend',
    ]);
    expect((await env.run(['get', 'rc,deploy', '-o', 'name'])).stdout).toBe(
      'replicationcontroller/mysql\nreplicationcontroller/myweb\ndeployment.apps/frontend\n',
    );
  });

  it('reports each object that already exists and exits 1', async () => {
    const again = await env.run(['create', '-f', WALKTHROUGH]);
    expect(again.code).toBe(1);
    expect(again.stdout).toBe('pod/myweb created\nservice/tomcat-service created\n');
    const lines = again.stderr.trim().split('\n');
    expect(lines).toContain(`Error from server (AlreadyExists): error when creating "${manifest('mysql-rc.yaml')}": replicationcontrollers "mysql" already exists`);
    expect(lines).toHaveLength(8);
  });

  it('deletes by file and by label selector, waiting for the objects to go', async () => {
    expect((await env.run(['delete', '-f', manifest('myweb-svc.yaml')])).stdout).toBe('service "myweb" deleted\n');
    expect((await env.run(['delete', 'rc', '-l', 'app=nothing'])).stdout).toBe('No resources found\n');
    // The apiserver defaults an RC's labels to its template's, as Kubernetes does.
    expect((await env.run(['delete', 'rc', '-l', 'app=mysql'])).stdout).toBe('replicationcontroller "mysql" deleted\n');
    expect((await env.run(['delete', 'rc', '--all'])).stdout).toBe('replicationcontroller "myweb" deleted\n');
    expect(await env.run(['get', 'rc'])).toMatchObject({ stdout: '', stderr: 'No resources found in default namespace.\n', code: 0 });
  });
});
