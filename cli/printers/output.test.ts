import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Pod, ReplicationController } from '../../lib/api/generated/index.js';
import { resourceByName } from '../../lib/api/resources.js';
import { OutputFormatError, formatName, parseOutputFormat, printObjects, WRITE_OUTPUT_FORMATS, type OutputFormat } from './output.js';

const pods = resourceByName('pods')!;
const now = Date.parse('2024-05-10T12:00:00Z');

const mysql: Pod = {
  metadata: { name: 'mysql-x7k2p', namespace: 'default', labels: { app: 'mysql' }, creationTimestamp: '2024-05-10T11:50:00Z' },
  spec: { nodeName: 'node-1', containers: [{ name: 'mysql', image: 'mysql:5.7', ports: [{ containerPort: 3306, protocol: 'TCP' }] }] },
  status: { phase: 'Running' },
};
const web: Pod = {
  metadata: { name: 'web-1', namespace: 'default', labels: { tier: 'frontend', app: 'web' } },
  spec: {
    containers: [
      { name: 'web', image: 'nginx:1.25' },
      { name: 'sidecar', image: 'busybox:1.36' },
    ],
  },
};

describe('parseOutputFormat', () => {
  it('reads every supported format', () => {
    expect(parseOutputFormat(undefined)).toEqual({ type: 'table' });
    expect(parseOutputFormat('wide')).toEqual({ type: 'wide' });
    expect(parseOutputFormat('yaml')).toEqual({ type: 'yaml' });
    expect(parseOutputFormat('jsonpath={.metadata.name}')).toEqual({ type: 'jsonpath', template: '{.metadata.name}', asJSON: false });
    expect(parseOutputFormat('jsonpath-as-json={.metadata.name}')).toEqual({ type: 'jsonpath', template: '{.metadata.name}', asJSON: true });
    expect(parseOutputFormat('custom-columns=NAME:.metadata.name,IMAGE:spec.containers[*].image')).toEqual({
      type: 'custom-columns',
      columns: [
        { header: 'NAME', template: '{.metadata.name}' },
        { header: 'IMAGE', template: '{.spec.containers[*].image}' },
      ],
    });
  });

  it('reads the template of jsonpath-file and the columns of custom-columns-file from their files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubets-output-'));
    writeFileSync(join(dir, 'names.jsonpath'), '{.metadata.name}\n');
    writeFileSync(join(dir, 'columns.txt'), 'NAME\t IMAGE\r\n.metadata.name  {.spec.containers[*].image}\n');
    expect(parseOutputFormat(`jsonpath-file=${join(dir, 'names.jsonpath')}`)).toEqual({ type: 'jsonpath', template: '{.metadata.name}\n', asJSON: false });
    expect(parseOutputFormat(`custom-columns-file=${join(dir, 'columns.txt')}`)).toEqual({
      type: 'custom-columns',
      columns: [
        { header: 'NAME', template: '{.metadata.name}' },
        { header: 'IMAGE', template: '{.spec.containers[*].image}' },
      ],
      headers: 'always',
    });
  });

  it('refuses missing and malformed template files as kubectl does', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubets-output-'));
    const missing = join(dir, 'missing');
    expect(() => parseOutputFormat(`jsonpath-file=${missing}`)).toThrow(new OutputFormatError(`error reading --template ${missing}, open ${missing}: no such file or directory`));
    expect(() => parseOutputFormat(`custom-columns-file=${missing}`)).toThrow(new OutputFormatError(`error reading template ${missing}, open ${missing}: no such file or directory`));
    expect(() => parseOutputFormat('jsonpath-file=')).toThrow(new OutputFormatError('template format specified but no template given'));
    expect(() => parseOutputFormat('custom-columns-file=')).toThrow(new OutputFormatError('custom-columns format specified but no custom columns given'));
    const expected = 'Expected format is one line of space separated headers, one line of space separated column specs.';
    const columns = (name: string, text: string): string => {
      writeFileSync(join(dir, name), text);
      return `custom-columns-file=${join(dir, name)}`;
    };
    expect(() => parseOutputFormat(columns('empty', ''))).toThrow(new OutputFormatError(`invalid template, missing header line. ${expected}`));
    expect(() => parseOutputFormat(columns('headers', 'NAME\n'))).toThrow(new OutputFormatError(`invalid template, missing spec line. ${expected}`));
    expect(() => parseOutputFormat(columns('mismatch', 'NAME IMAGE\n.metadata.name\n'))).toThrow(
      new OutputFormatError("number of headers (2) and field specifications (1) don't match"),
    );
  });

  it('rejects unknown or incomplete formats with kubectl messages', () => {
    expect(() => parseOutputFormat('xml')).toThrow(
      new OutputFormatError(
        'unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml',
      ),
    );
    expect(() => parseOutputFormat('wide', WRITE_OUTPUT_FORMATS)).toThrow(
      new OutputFormatError(
        'unable to match a printer suitable for the output format "wide", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,yaml',
      ),
    );
    expect(() => parseOutputFormat('jsonpath')).toThrow(new OutputFormatError('template format specified but no template given'));
    expect(() => parseOutputFormat('custom-columns=')).toThrow(new OutputFormatError('custom-columns format specified but no custom columns given'));
    expect(() => parseOutputFormat('custom-columns=NAME')).toThrow(new OutputFormatError('unexpected custom-columns spec: NAME, expected <header>:<json-path-expr>'));
  });

  it('says why Go templates are not supported and what to use instead', () => {
    for (const flag of ['go-template={{.kind}}', 'go-template-file=t.tmpl', 'template={{.kind}}']) {
      expect(() => parseOutputFormat(flag)).toThrow(/is not supported by kubets: it needs Go's text\/template, which has no JavaScript implementation; use -o jsonpath=TEMPLATE instead$/);
    }
  });
});

describe('printObjects', () => {
  it('-o name prints kind[.group]/name', () => {
    expect(printObjects(pods, [mysql, web], { type: 'name' })).toBe('pod/mysql-x7k2p\npod/web-1\n');
    expect(formatName(resourceByName('replicationcontrollers')!, { metadata: { name: 'mysql' } })).toBe('replicationcontroller/mysql');
    expect(formatName(resourceByName('deployments')!, { metadata: { name: 'web' } })).toBe('deployment.apps/web');
    expect(formatName(resourceByName('leases')!, { metadata: { name: 'x' } })).toBe('lease.coordination.k8s.io/x');
  });

  it('-o json prints one named object with sorted keys and four-space indent', () => {
    expect(printObjects(pods, [mysql], { type: 'json' }, { single: true })).toBe(
      [
        '{',
        '    "apiVersion": "v1",',
        '    "kind": "Pod",',
        '    "metadata": {',
        '        "creationTimestamp": "2024-05-10T11:50:00Z",',
        '        "labels": {',
        '            "app": "mysql"',
        '        },',
        '        "name": "mysql-x7k2p",',
        '        "namespace": "default"',
        '    },',
        '    "spec": {',
        '        "containers": [',
        '            {',
        '                "image": "mysql:5.7",',
        '                "name": "mysql",',
        '                "ports": [',
        '                    {',
        '                        "containerPort": 3306,',
        '                        "protocol": "TCP"',
        '                    }',
        '                ],',
        '                "resources": {}',
        '            }',
        '        ],',
        '        "nodeName": "node-1"',
        '    },',
        '    "status": {',
        '        "phase": "Running"',
        '    }',
        '}',
        '',
      ].join('\n'),
    );
  });

  it('-o json prints a List for a listing, even an empty one', () => {
    expect(printObjects(pods, [], { type: 'json' })).toBe(
      ['{', '    "apiVersion": "v1",', '    "items": [],', '    "kind": "List",', '    "metadata": {', '        "resourceVersion": ""', '    }', '}', ''].join('\n'),
    );
  });

  it("-o yaml prints block YAML with sorted keys, unindented lists, quoted ambiguous strings and Go's empty structs", () => {
    const rc: ReplicationController = {
      metadata: { name: 'mysql', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { app: 'mysql' },
        template: {
          metadata: { labels: { app: 'mysql' } },
          spec: { containers: [{ name: 'mysql', image: 'mysql', ports: [{ containerPort: 3306 }], env: [{ name: 'MYSQL_ROOT_PASSWORD', value: '123456' }] }] },
        },
      },
      status: { replicas: 1, readyReplicas: 1 },
    };
    expect(printObjects(resourceByName('replicationcontrollers')!, [rc], { type: 'yaml' }, { single: true })).toBe(
      [
        'apiVersion: v1',
        'kind: ReplicationController',
        'metadata:',
        '  name: mysql',
        '  namespace: default',
        'spec:',
        '  replicas: 1',
        '  selector:',
        '    app: mysql',
        '  template:',
        '    metadata:',
        '      creationTimestamp: null',
        '      labels:',
        '        app: mysql',
        '    spec:',
        '      containers:',
        '      - env:',
        '        - name: MYSQL_ROOT_PASSWORD',
        '          value: "123456"',
        '        image: mysql',
        '        name: mysql',
        '        ports:',
        '        - containerPort: 3306',
        '        resources: {}',
        'status:',
        '  readyReplicas: 1',
        '  replicas: 1',
        '',
      ].join('\n'),
    );
  });

  it('-o yaml prints a listing as a List', () => {
    expect(printObjects(pods, [{ metadata: { name: 'a', creationTimestamp: '2024-05-10T11:50:00Z' } }], { type: 'yaml' })).toBe(
      [
        'apiVersion: v1',
        'items:',
        '- apiVersion: v1',
        '  kind: Pod',
        '  metadata:',
        '    creationTimestamp: "2024-05-10T11:50:00Z"',
        '    name: a',
        '  spec: {}',
        '  status: {}',
        'kind: List',
        'metadata:',
        '  resourceVersion: ""',
        '',
      ].join('\n'),
    );
  });

  it('-o jsonpath evaluates against the object or the List', () => {
    expect(printObjects(pods, [mysql], { type: 'jsonpath', template: '{.metadata.name}' }, { single: true })).toBe('mysql-x7k2p');
    expect(printObjects(pods, [mysql, web], parseOutputFormat('jsonpath={range .items[*]}{.metadata.name}{"\\n"}{end}'))).toBe('mysql-x7k2p\nweb-1\n');
  });

  it('-o jsonpath-as-json prints each node\'s results as an indented JSON list', () => {
    expect(printObjects(pods, [mysql, web], parseOutputFormat('jsonpath-as-json=n={.items[*].metadata.name}{.items[0].nosuch}'))).toBe(
      '[\n    "n="\n]\n[\n    "mysql-x7k2p",\n    "web-1"\n]\n[]\n',
    );
  });

  it('-o custom-columns prints one row per object, joining several values and showing <none> for none', () => {
    const format = parseOutputFormat('custom-columns=NAME:.metadata.name,IMAGE:.spec.containers[*].image,LABELS:.metadata.labels,NODE:.spec.nodeName');
    expect(printObjects(pods, [mysql, web], format)).toBe(
      [
        'NAME          IMAGE                     LABELS                       NODE',
        'mysql-x7k2p   mysql:5.7                 map[app:mysql]               node-1',
        'web-1         nginx:1.25,busybox:1.36   map[app:web tier:frontend]   <none>',
        '',
      ].join('\n'),
    );
    expect(printObjects(pods, [mysql], format, { noHeaders: true })).toBe('mysql-x7k2p   mysql:5.7   map[app:mysql]   node-1\n');
    // A columns file's headers print even with --no-headers, as kubectl prints them.
    const fromFile: OutputFormat = { type: 'custom-columns', columns: [{ header: 'NAME', template: '{.metadata.name}' }], headers: 'always' };
    expect(printObjects(pods, [mysql], fromFile, { noHeaders: true })).toBe('NAME\nmysql-x7k2p\n');
  });

  it('prints the default and wide tables', () => {
    expect(printObjects(pods, [mysql], { type: 'table' }, { now })).toBe('NAME          READY   STATUS    RESTARTS   AGE\nmysql-x7k2p   0/1     Running   0          10m\n');
    expect(printObjects(pods, [mysql], { type: 'wide' }, { now }).split('\n')[0]).toBe(
      'NAME          READY   STATUS    RESTARTS   AGE   IP       NODE     NOMINATED NODE   READINESS GATES',
    );
  });
});
