import { describe, expect, it } from 'vitest';
import { container, createErrors, DNS1123_LABEL_MSG, type Json, podManifest, statusErrors, updateErrors } from './test-support.js';

const c0 = 'spec.containers[0]';
const affinityTerm = (expression: Json): Json => ({
  affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expression] }] } } },
});
const termPath = 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms';
const withContainer = (extra: Json, spec: Json = {}): Json => podManifest({ containers: [container(extra)], ...spec });

describe('pod create', () => {
  it.each<[string, Json, string[]]>([
    [
      'a complete valid pod',
      withContainer(
        {
          ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }],
          env: [
            { name: 'MODE', value: 'prod' },
            { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
            { name: 'LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
          ],
          envFrom: [{ configMapRef: { name: 'settings' }, prefix: 'CFG_' }],
          resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
          volumeMounts: [{ name: 'data', mountPath: '/data' }, { name: 'config', mountPath: '/etc/app', readOnly: true }],
          livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, initialDelaySeconds: 5 },
          readinessProbe: { tcpSocket: { port: 8080 } },
          lifecycle: { preStop: { exec: { command: ['sleep', '1'] } } },
          securityContext: { runAsUser: 1000 },
        },
        {
          volumes: [{ name: 'data', emptyDir: { sizeLimit: '1Gi' } }, { name: 'config', configMap: { name: 'settings', items: [{ key: 'a', path: 'a.conf' }] } }],
          initContainers: [container({ name: 'init', command: ['true'] })],
          nodeSelector: { disk: 'ssd' },
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'web', effect: 'NoSchedule' }, { operator: 'Exists' }],
          topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'web' } } }],
          ...affinityTerm({ key: 'disk', operator: 'In', values: ['ssd'] }),
          priorityClassName: 'high',
          activeDeadlineSeconds: 60,
          securityContext: { fsGroup: 2000 },
        },
      ),
      [],
    ],
    ['no containers', podManifest({ containers: [] }), ['spec.containers: Required value']],
    ['a container name that is not a DNS label', withContainer({ name: 'App_1' }), [`${c0}.name: Invalid value: "App_1": ${DNS1123_LABEL_MSG}`]],
    ['no container name', withContainer({ name: '' }), [`${c0}.name: Required value`]],
    ['duplicate container names', podManifest({ containers: [container(), container()] }), ['spec.containers[1].name: Duplicate value: "app"']],
    ['no image', withContainer({ image: '' }), [`${c0}.image: Required value`]],
    ['an image with spaces around it', withContainer({ image: ' busybox:1.36' }), [`${c0}.image: Invalid value: " busybox:1.36": must not have leading or trailing whitespace`]],
    ['a port out of range', withContainer({ ports: [{ containerPort: 70000 }] }), [`${c0}.ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive`]],
    ['a missing container port', withContainer({ ports: [{ name: 'http' }] }), [`${c0}.ports[0].containerPort: Required value`]],
    [
      'duplicate port names',
      withContainer({ ports: [{ name: 'http', containerPort: 80 }, { name: 'http', containerPort: 81 }] }),
      [`${c0}.ports[1].name: Duplicate value: "http"`],
    ],
    [
      'an unknown protocol',
      withContainer({ ports: [{ containerPort: 80, protocol: 'HTTP' }] }),
      [`${c0}.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"`],
    ],
    [
      'a host port used twice',
      withContainer({ ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 81, hostPort: 8080 }] }),
      [`${c0}.ports[1].hostPort: Duplicate value: "TCP//8080"`],
    ],
    [
      'an environment variable name starting with a digit',
      withContainer({ env: [{ name: '1BAD', value: 'x' }] }),
      [
        `${c0}.env[0].name: Invalid value: "1BAD": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`,
      ],
    ],
    ['an empty valueFrom', withContainer({ env: [{ name: 'A', valueFrom: {} }] }), [
      `${c0}.env[0].valueFrom: Invalid value: "": must specify one of: \`fieldRef\`, \`resourceFieldRef\`, \`configMapKeyRef\` or \`secretKeyRef\``,
    ]],
    [
      'two valueFrom sources',
      withContainer({ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'c', key: 'k' }, secretKeyRef: { name: 's', key: 'k' } } }] }),
      [`${c0}.env[0].valueFrom: Invalid value: "": may not have more than one field specified at a time`],
    ],
    [
      'a value and a valueFrom',
      withContainer({ env: [{ name: 'A', value: 'x', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }),
      [`${c0}.env[0].valueFrom: Invalid value: "": may not be specified when \`value\` is not empty`],
    ],
    [
      'a field the environment cannot read',
      withContainer({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.restartPolicy' } } }] }),
      [
        `${c0}.env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "spec.restartPolicy": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"`,
      ],
    ],
    [
      'an unknown field',
      withContainer({ env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'spec.nope' } } }] }),
      [`${c0}.env[0].valueFrom.fieldRef.fieldPath: Invalid value: "spec.nope": error converting fieldPath: field label not supported: spec.nope`],
    ],
    [
      'a config key with a space',
      withContainer({ env: [{ name: 'A', valueFrom: { configMapKeyRef: { name: 'c', key: 'a key' } } }] }),
      [
        `${c0}.env[0].valueFrom.configMapKeyRef.key: Invalid value: "a key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      ],
    ],
    [
      'a malformed quantity',
      withContainer({ resources: { limits: { cpu: 'lots' } } }),
      // Requests default only from limits that parse, so the bad value is reported once, where it was written.
      [`${c0}.resources.limits[cpu]: Invalid value: "lots": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`],
    ],
    [
      'requests above limits',
      withContainer({ resources: { requests: { cpu: '2' }, limits: { cpu: '1' } } }),
      [`${c0}.resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1`],
    ],
    ['a negative request', withContainer({ resources: { requests: { memory: '-1Mi' } } }), [`${c0}.resources.requests[memory]: Invalid value: "-1Mi": must be greater than or equal to 0`]],
    [
      'an unknown resource',
      withContainer({ resources: { requests: { gpu: '1' } } }),
      [
        `${c0}.resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified`,
        `${c0}.resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers`,
      ],
    ],
    [
      'an extended resource that is overcommitted',
      withContainer({ resources: { requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '2' } } }),
      [`${c0}.resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2`],
    ],
    [
      'a fractional extended resource',
      withContainer({ resources: { limits: { 'example.com/gpu': '500m' } } }),
      [`${c0}.resources.limits[example.com/gpu]: Invalid value: "500m": must be an integer`, `${c0}.resources.requests[example.com/gpu]: Invalid value: "500m": must be an integer`],
    ],
    [
      'duplicate volume names',
      podManifest({ volumes: [{ name: 'data', emptyDir: {} }, { name: 'data', emptyDir: {} }] }),
      ['spec.volumes[1].name: Duplicate value: "data"'],
    ],
    [
      'a volume with two sources',
      podManifest({ volumes: [{ name: 'data', emptyDir: {}, hostPath: { path: '/x' } }] }),
      ['spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type'],
    ],
    ['a secret volume without a name', podManifest({ volumes: [{ name: 's', secret: {} }] }), ['spec.volumes[0].secret.secretName: Required value']],
    [
      'a file mode above 0777',
      podManifest({ volumes: [{ name: 's', secret: { secretName: 's', defaultMode: 1000 } }] }),
      ['spec.volumes[0].secret.defaultMode: Invalid value: 1000: must be a number between 0 and 0777 (octal), both inclusive'],
    ],
    [
      'a host path type that does not exist',
      podManifest({ volumes: [{ name: 'h', hostPath: { path: '/x', type: 'Pipe' } }] }),
      [
        'spec.volumes[0].hostPath.type: Unsupported value: "Pipe": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
      ],
    ],
    ['a projected path climbing out', podManifest({ volumes: [{ name: 'c', configMap: { name: 'c', items: [{ key: 'k', path: '../x' }] } }] }), [
      `spec.volumes[0].configMap.items[0].path: Invalid value: "../x": must not contain '..'`,
    ]],
    ['a mount of an unknown volume', withContainer({ volumeMounts: [{ name: 'data', mountPath: '/data' }] }), [`${c0}.volumeMounts[0].name: Not found: "data"`]],
    [
      'a mount without a path',
      withContainer({ volumeMounts: [{ name: 'data' }] }, { volumes: [{ name: 'data', emptyDir: {} }] }),
      [`${c0}.volumeMounts[0].mountPath: Required value`],
    ],
    [
      'two mounts at one path',
      withContainer({ volumeMounts: [{ name: 'data', mountPath: '/d' }, { name: 'data', mountPath: '/d' }] }, { volumes: [{ name: 'data', emptyDir: {} }] }),
      [`${c0}.volumeMounts[1].mountPath: Invalid value: "/d": must be unique`],
    ],
    ['a probe without a handler', withContainer({ livenessProbe: {} }), [`${c0}.livenessProbe: Required value: must specify a handler type`]],
    [
      'a probe with two handlers',
      withContainer({ livenessProbe: { exec: { command: ['true'] }, tcpSocket: { port: 80 } } }),
      [`${c0}.livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type`],
    ],
    [
      'a negative failure threshold',
      withContainer({ readinessProbe: { tcpSocket: { port: 80 }, failureThreshold: -1 } }),
      [`${c0}.readinessProbe.failureThreshold: Invalid value: -1: must be greater than or equal to 0`],
    ],
    ['a liveness probe that must succeed twice', withContainer({ livenessProbe: { tcpSocket: { port: 80 }, successThreshold: 2 } }), [
      `${c0}.livenessProbe.successThreshold: Invalid value: 2: must be 1`,
    ]],
    ['an exec probe without a command', withContainer({ livenessProbe: { exec: {} } }), [`${c0}.livenessProbe.exec.command: Required value`]],
    [
      'an unknown probe scheme',
      withContainer({ livenessProbe: { httpGet: { port: 80, scheme: 'FTP' } } }),
      [`${c0}.livenessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"`],
    ],
    ['a probe port of 0', withContainer({ readinessProbe: { tcpSocket: { port: 0 } } }), [`${c0}.readinessProbe.tcpSocket.port: Invalid value: 0: must be between 1 and 65535, inclusive`]],
    [
      'an unknown restart policy',
      podManifest({ restartPolicy: 'Sometimes' }),
      ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ],
    [
      'an unknown DNS policy',
      podManifest({ dnsPolicy: 'Custom' }),
      ['spec.dnsPolicy: Unsupported value: "Custom": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'],
    ],
    ['DNS policy None without config', podManifest({ dnsPolicy: 'None' }), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']],
    ['an unknown affinity operator', podManifest(affinityTerm({ key: 'disk', operator: 'Near', values: ['ssd'] })), [
      `${termPath}[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator`,
    ]],
    ['Exists with values', podManifest(affinityTerm({ key: 'disk', operator: 'Exists', values: ['ssd'] })), [
      `${termPath}[0].matchExpressions[0].values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`,
    ]],
    ['In without values', podManifest(affinityTerm({ key: 'disk', operator: 'In' })), [
      `${termPath}[0].matchExpressions[0].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`,
    ]],
    ['Gt with two values', podManifest(affinityTerm({ key: 'cores', operator: 'Gt', values: ['1', '2'] })), [
      `${termPath}[0].matchExpressions[0].values: Required value: must be specified single value when \`operator\` is 'Lt' or 'Gt'`,
    ]],
    ['Lt with one integer', podManifest(affinityTerm({ key: 'cores', operator: 'Lt', values: ['8'] })), []],
    [
      'no node selector terms',
      podManifest({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } }),
      [`${termPath}: Required value: must have at least one node selector term`],
    ],
    [
      'a preferred term weight of 0',
      podManifest({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } } }),
      ['spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100'],
    ],
    [
      'a pod affinity term without topology key',
      podManifest({ affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } } }] } } }),
      [
        'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty',
        'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must be non-empty',
        `spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      ],
    ],
    [
      'a zero max skew',
      podManifest({ topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] }),
      ['spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero'],
    ],
    [
      'an unknown whenUnsatisfiable',
      podManifest({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }] }),
      ['spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"'],
    ],
    [
      'a spread constraint without topology key',
      podManifest({ topologySpreadConstraints: [{ maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway' }] }),
      ['spec.topologySpreadConstraints[0].topologyKey: Required value: can not be empty'],
    ],
    [
      'the same spread constraint twice',
      podManifest({
        topologySpreadConstraints: [
          { maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
          { maxSkew: 2, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' },
        ],
      }),
      ['spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "{zone, DoNotSchedule}"'],
    ],
    [
      'an Exists toleration with a value',
      podManifest({ tolerations: [{ key: 'k', operator: 'Exists', value: 'v' }] }),
      ["spec.tolerations[0].operator: Invalid value: \"v\": value must be empty when `operator` is 'Exists'"],
    ],
    [
      'an unknown taint effect',
      podManifest({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoRun' }] }),
      ['spec.tolerations[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'],
    ],
    [
      'an empty key without Exists',
      podManifest({ tolerations: [{ operator: 'Equal', value: 'v' }] }),
      ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"'],
    ],
    [
      'tolerationSeconds on a NoSchedule toleration',
      podManifest({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 10 }] }),
      ["spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"],
    ],
    ['a zero activeDeadlineSeconds', podManifest({ activeDeadlineSeconds: 0 }), ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']],
    [
      'a host network port that differs from the container port',
      withContainer({ ports: [{ containerPort: 8080, hostPort: 9090 }] }, { hostNetwork: true }),
      [`${c0}.ports[0].hostPort: Invalid value: 9090: must match \`containerPort\` when \`hostNetwork\` is true`],
    ],
    [
      'an init container with a probe',
      podManifest({ initContainers: [container({ name: 'init', readinessProbe: { tcpSocket: { port: 80 } } })] }),
      ['spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'],
    ],
    ['an init container named like a container', podManifest({ initContainers: [container()] }), ['spec.initContainers[0].name: Duplicate value: "app"']],
    ['a bad node name', podManifest({ nodeName: 'Node_1' }), [
      "spec.nodeName: Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ]],
    ['a negative runAsUser', withContainer({ securityContext: { runAsUser: -1 } }), [`${c0}.securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive`]],
  ])('%s', (_name, manifest, expected) => {
    expect(createErrors(manifest)).toEqual(expected);
  });
});

describe('pod update', () => {
  const old = podManifest({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }], activeDeadlineSeconds: 100 });
  const changed = (spec: Json): Json => podManifest({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }], activeDeadlineSeconds: 100, ...spec });
  const forbiddenPrefix =
    'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n';

  it.each<[string, Json, string[]]>([
    ['no change', old, []],
    ['a new image', changed({ containers: [container({ image: 'busybox:1.37' })] }), []],
    ['a shorter deadline', changed({ activeDeadlineSeconds: 50 }), []],
    ['a longer deadline', changed({ activeDeadlineSeconds: 200 }), ['spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value']],
    [
      'an added toleration and new tolerationSeconds',
      changed({ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }, { key: 'x', operator: 'Exists' }] }),
      [],
    ],
    ['a removed toleration', changed({ tolerations: [] }), ['spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds']],
    ['an added container', changed({ containers: [container(), container({ name: 'b' })] }), ['spec.containers: Forbidden: pod updates may not add or remove containers']],
    ['a removed image', changed({ containers: [container({ image: '' })] }), [`${c0}.image: Required value`]],
    ['a changed restart policy', changed({ restartPolicy: 'Never' }), [`${forbiddenPrefix}- restartPolicy: "Always"\n+ restartPolicy: "Never"`]],
    ['a node name set by update', changed({ nodeName: 'n1' }), [`${forbiddenPrefix}- nodeName: null\n+ nodeName: "n1"`]],
    [
      'a changed container port',
      changed({ containers: [container({ ports: [{ containerPort: 81 }] })] }),
      [`${forbiddenPrefix}- containers[0].ports: null\n+ containers[0].ports: [{"containerPort":81,"protocol":"TCP"}]`],
    ],
  ])('%s', (_name, manifest, expected) => {
    expect(updateErrors(manifest, old)).toEqual(expected);
  });
});

describe('pod status update', () => {
  const base = { ...podManifest({ nodeName: 'n1' }), status: { phase: 'Pending', qosClass: 'BestEffort' } };
  const withStatus = (status: Json, spec: Json = { nodeName: 'n1' }): Json => ({ ...podManifest(spec), status });

  it.each<[string, Json, Json, string[]]>([
    [
      'a running pod',
      withStatus({ phase: 'Running', hostIP: '10.0.0.1', hostIPs: [{ ip: '10.0.0.1' }], podIP: '172.17.0.2', podIPs: [{ ip: '172.17.0.2' }], qosClass: 'BestEffort' }),
      base,
      [],
    ],
    ['podIPs that do not start with podIP', withStatus({ podIP: '172.17.0.2', podIPs: [{ ip: '172.17.0.3' }] }), base, ['status.podIPs[0].ip: Invalid value: "172.17.0.3": must be equal to `podIP`']],
    ['podIPs without podIP', withStatus({ podIPs: [{ ip: '172.17.0.3' }] }), base, ['status.podIPs[0].ip: Invalid value: "172.17.0.3": must be equal to `podIP`']],
    ['hostIPs that do not start with hostIP', withStatus({ hostIP: '10.0.0.1', hostIPs: [{ ip: '10.0.0.2' }] }), base, ['status.hostIPs[0].ip: Invalid value: "10.0.0.2": must be equal to `hostIP`']],
    [
      'two host IPs of one family',
      withStatus({ hostIP: '10.0.0.1', hostIPs: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }),
      base,
      ['status.hostIPs: Invalid value: [{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}]: may specify no more than one IP for each IP family'],
    ],
    ['a bad host IP', withStatus({ hostIP: '10.0.0.300', hostIPs: [{ ip: '10.0.0.300' }] }), base, ['status.hostIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['a moved pod', withStatus({ phase: 'Running' }, { nodeName: 'n2' }), base, ['status.nodeName: Forbidden: may not be changed directly']],
    [
      'a changed QoS class',
      withStatus({ qosClass: 'Burstable' }),
      { ...base, status: { qosClass: 'BestEffort' } },
      ['status.qosClass: Invalid value: "Burstable": field is immutable'],
    ],
    [
      'a bad pod IP',
      withStatus({ podIP: '172.17.0.300', podIPs: [{ ip: '172.17.0.300' }] }),
      base,
      ['status.podIPs[0]: Invalid value: "172.17.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
    ],
    ['a pod IP with leading zeros', withStatus({ podIP: '172.017.0.2', podIPs: [{ ip: '172.017.0.2' }] }), base, ['status.podIPs[0]: Invalid value: "172.017.0.2": must not have leading 0s']],
    [
      'a finished container restarted under restartPolicy Never',
      { ...podManifest({ nodeName: 'n1', restartPolicy: 'Never' }), status: { containerStatuses: [{ name: 'app', state: { running: {} } }] } },
      { ...podManifest({ nodeName: 'n1', restartPolicy: 'Never' }), status: { containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0 } } }] } },
      ['status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state'],
    ],
  ])('%s', (_name, manifest, old, expected) => {
    expect(statusErrors(manifest, old)).toEqual(expected);
  });
});
