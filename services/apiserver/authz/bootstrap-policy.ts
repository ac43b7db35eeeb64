import type { ClusterRole, ClusterRoleBinding, PolicyRule, Subject } from '../../../lib/api/generated/index.js';
import { METRICS_GROUP, RBAC_GROUP } from '../../../lib/api/resources.js';
import { DEFAULT_NODE_TOKEN_GROUP } from '../../../lib/auth/bootstrap-token.js';
import { NODE_PROXIERS_GROUP } from '../../../lib/auth/node-proxier.js';
import { SYSTEM_AUTHENTICATED, SYSTEM_MASTERS } from './attributes.js';

// The roles and bindings every cluster starts with, as Kubernetes' bootstrap policy
// (plugin/pkg/auth/authorizer/rbac/bootstrappolicy), cut to the resources kubets serves and the
// calls its components make. The apiserver reconciles them at every start.

export const AUTOUPDATE_ANNOTATION = 'rbac.authorization.kubernetes.io/autoupdate';
const BOOTSTRAP_LABELS = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
export const AGGREGATE_TO_ADMIN = 'rbac.authorization.k8s.io/aggregate-to-admin';
export const AGGREGATE_TO_EDIT = 'rbac.authorization.k8s.io/aggregate-to-edit';
export const AGGREGATE_TO_VIEW = 'rbac.authorization.k8s.io/aggregate-to-view';

export const SYSTEM_UNAUTHENTICATED = 'system:unauthenticated';
export const KUBE_SCHEDULER_USER = 'system:kube-scheduler';
export const KUBE_CONTROLLER_MANAGER_USER = 'system:kube-controller-manager';
export const KUBE_PROXY_USER = 'system:kube-proxy';
const NETWORK_POLICY_AGENT_ROLE = 'system:kubets:network-policy-agent';
const NODE_NETWORK_AGENT_ROLE = 'system:kubets:node-network-agent';
export const NODE_CLIENT_ROLE = 'system:certificates.k8s.io:certificatesigningrequests:nodeclient';
export const SELF_NODE_CLIENT_ROLE = 'system:certificates.k8s.io:certificatesigningrequests:selfnodeclient';
const NODES_GROUP = 'system:nodes';
/** The group whose members may read /metrics and the health endpoints, as in Kubernetes. */
export const SYSTEM_MONITORING = 'system:monitoring';
/** The group of every ServiceAccount's tokens. */
export const SERVICE_ACCOUNTS_GROUP = 'system:serviceaccounts';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];

function rule(verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule {
  return { verbs, apiGroups, resources, ...(resourceNames && { resourceNames }) };
}

const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

const EVENT_WRITES = [rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events'])];

/** What kubelets may do besides reading their pods' Secrets, ConfigMaps and volumes (the Node authorizer's part). */
export const NODE_RULES: readonly PolicyRule[] = [
  rule(['create', 'get', 'list', 'watch', 'update', 'patch', 'delete'], [''], ['nodes']),
  rule(['patch', 'update'], [''], ['nodes/status']),
  ...EVENT_WRITES,
  // Pods: the kubelet's own (watched by spec.nodeName), mirror pods of static pods, finished deletes.
  rule(['get', 'list', 'watch', 'create', 'delete'], [''], ['pods']),
  rule(['patch', 'update'], [''], ['pods/status']),
  rule(['create'], [''], ['pods/eviction']),
  // Service environment variables of every pod.
  rule(READ, [''], ['services', 'endpoints']),
  rule(['get'], [''], ['secrets', 'configmaps', 'persistentvolumeclaims', 'persistentvolumes']),
  rule(['get', 'update', 'patch'], [''], ['persistentvolumeclaims/status']),
  // Heartbeats in kube-node-lease.
  rule(['get', 'create', 'update', 'patch', 'delete'], ['coordination.k8s.io'], ['leases']),
  rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
  // Tokens of the ServiceAccounts of its pods (the Node authorizer checks the pod).
  rule(['create'], [''], ['serviceaccounts/token']),
  // Its own certificates: client renewal, the kubelet's serving certificate, the proxy's identity.
  rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests']),
];

const VIEW_RULES: PolicyRule[] = [
  rule(READ, [''], [
    'pods', 'pods/log', 'pods/status', 'configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status',
    'replicationcontrollers', 'replicationcontrollers/scale', 'replicationcontrollers/status', 'services', 'services/status',
    'events', 'namespaces', 'namespaces/status', 'serviceaccounts', 'resourcequotas', 'resourcequotas/status', 'limitranges',
  ]),
  rule(READ, ['apps'], [
    'deployments', 'deployments/scale', 'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status',
    'daemonsets', 'daemonsets/status', 'statefulsets', 'statefulsets/scale', 'statefulsets/status', 'controllerrevisions',
  ]),
  rule(READ, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
  rule(READ, ['batch'], ['jobs', 'jobs/status', 'cronjobs', 'cronjobs/status']),
  rule(READ, ['discovery.k8s.io'], ['endpointslices']),
  rule(READ, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),  rule(READ, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
];

const EDIT_RULES: PolicyRule[] = [
  rule(['create', 'get'], [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
  rule(WRITE, [''], ['pods', 'configmaps', 'endpoints', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale', 'secrets', 'services']),
  rule(READ, [''], ['secrets']),
  rule(['create'], [''], ['pods/eviction']),
  rule(['impersonate'], [''], ['serviceaccounts']),
  rule(WRITE, [''], ['serviceaccounts']),
  rule(['create'], [''], ['serviceaccounts/token']),
  rule(WRITE, ['apps'], ['deployments', 'deployments/scale', 'deployments/rollback', 'replicasets', 'replicasets/scale', 'daemonsets', 'statefulsets', 'statefulsets/scale']),
  rule(WRITE, ['autoscaling'], ['horizontalpodautoscalers']),
  rule(WRITE, ['batch'], ['jobs', 'cronjobs']),
  rule(WRITE, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),  rule(WRITE, ['policy'], ['poddisruptionbudgets']),
];

const ADMIN_RULES: PolicyRule[] = [
  rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
  rule([...WRITE, ...READ], [RBAC_GROUP], ['roles', 'rolebindings']),
];

const DISCOVERY_URLS = ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'];
const SERVICE_ACCOUNT_ISSUER_URLS = ['/.well-known/openid-configuration', '/.well-known/openid-configuration/', '/openid/v1/jwks', '/openid/v1/jwks/'];
const PUBLIC_INFO_URLS = ['/healthz', '/livez', '/readyz', '/version', '/version/'];

function clusterRole(name: string, rules: PolicyRule[], extra: Partial<ClusterRole> & { labels?: Record<string, string> } = {}): ClusterRole {
  const { labels, ...rest } = extra;
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRole',
    metadata: { name, labels: { ...BOOTSTRAP_LABELS, ...labels }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } },
    rules,
    ...rest,
  };
}

const aggregated = (label: string): Partial<ClusterRole> => ({ aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [label]: 'true' } }] } });

export const BOOTSTRAP_CLUSTER_ROLES: readonly ClusterRole[] = [
  clusterRole('cluster-admin', [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])]),
  // The user-facing roles are filled by aggregation: whatever carries their label joins them.
  clusterRole('admin', [], aggregated(AGGREGATE_TO_ADMIN)),
  clusterRole('edit', [], { ...aggregated(AGGREGATE_TO_EDIT), labels: { [AGGREGATE_TO_ADMIN]: 'true' } }),
  clusterRole('view', [], { ...aggregated(AGGREGATE_TO_VIEW), labels: { [AGGREGATE_TO_EDIT]: 'true' } }),
  clusterRole('system:aggregate-to-admin', ADMIN_RULES, { labels: { [AGGREGATE_TO_ADMIN]: 'true' } }),
  clusterRole('system:aggregate-to-edit', EDIT_RULES, { labels: { [AGGREGATE_TO_EDIT]: 'true' } }),
  clusterRole('system:aggregate-to-view', VIEW_RULES, { labels: { [AGGREGATE_TO_VIEW]: 'true' } }),
  clusterRole('system:basic-user', [rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'])]),
  clusterRole('system:discovery', [urls(['get'], DISCOVERY_URLS)]),
  clusterRole('system:public-info-viewer', [urls(['get'], PUBLIC_INFO_URLS)]),
  clusterRole('system:kube-scheduler', [
    ...EVENT_WRITES,
    // Leader election.
    rule(['create', 'get', 'update'], ['coordination.k8s.io'], ['leases']),
    rule(READ, [''], ['nodes', 'namespaces', 'services', 'replicationcontrollers', 'persistentvolumeclaims', 'persistentvolumes']),
    rule(READ, ['apps'], ['replicasets', 'statefulsets']),
    rule(['get', 'list', 'watch', 'delete'], [''], ['pods']),
    rule(['create'], [''], ['bindings', 'pods/binding']),
    rule(['patch', 'update'], [''], ['pods/status']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
  ]),
  clusterRole('system:volume-scheduler', [
    rule([...READ, 'patch', 'update'], [''], ['persistentvolumes']),
    rule(READ, ['storage.k8s.io'], ['storageclasses']),
    rule(['get', 'list', 'patch', 'update', 'watch'], [''], ['persistentvolumeclaims']),
  ]),
  clusterRole('system:kube-controller-manager', [
    // The garbage collector and the namespace controller read, update and delete objects of
    // every kind (the disruption controller's budget statuses and workload scales among them); the
    // other controllers create only these.
    rule([...READ, 'patch', 'update', 'delete', 'deletecollection'], ['*'], ['*']),
    rule(['create'], [''], ['pods', 'endpoints', 'events']),
    rule(['create'], ['apps'], ['replicasets']),
    // What Kubernetes' Job, CronJob, DaemonSet and StatefulSet controllers create.
    rule(['create'], [''], ['persistentvolumeclaims']),
    rule(['create'], ['apps'], ['controllerrevisions']),
    rule(['create'], ['batch'], ['jobs']),
    rule(['create'], ['discovery.k8s.io'], ['endpointslices']),
    rule(['create'], ['events.k8s.io'], ['events']),
    rule(['create'], ['coordination.k8s.io'], ['leases']),
    rule(['create'], ['authorization.k8s.io'], ['subjectaccessreviews']),
    // The local-path provisioner's volumes.
    rule(['create'], [''], ['persistentvolumes']),
    // The ServiceAccount controller's default accounts and the root-CA publisher's ConfigMaps.
    rule(['create'], [''], ['serviceaccounts', 'configmaps']),
  ]),
  clusterRole('system:node-proxier', [
    rule(['list', 'watch'], [''], ['services', 'endpoints']),
    rule(READ, [''], ['nodes']),
    ...EVENT_WRITES,
    rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
  ]),
  // The proxy's network policy agent: which pods the policies select, and where they run.
  clusterRole(NETWORK_POLICY_AGENT_ROLE, [rule(['list', 'watch'], [''], ['pods', 'namespaces']), rule(['list', 'watch'], ['networking.k8s.io'], ['networkpolicies'])]),
  // The pod network agent of each node's proxy publishes its tunnel endpoint as annotations of its
  // Node (flannel's role allows the same); admission keeps it to its own Node and those annotations.
  clusterRole(NODE_NETWORK_AGENT_ROLE, [rule(['patch'], [''], ['nodes'])]),
  // For reference: kubelets are authorized by the Node authorizer, which applies these rules.
  clusterRole('system:node', [...NODE_RULES]),
  // Who may view a namespace may see what its pods use, as metrics-server's role of this name grants.
  clusterRole('system:aggregated-metrics-reader', [rule(READ, [METRICS_GROUP], ['pods', 'nodes'])], {
    labels: { [AGGREGATE_TO_VIEW]: 'true', [AGGREGATE_TO_EDIT]: 'true', [AGGREGATE_TO_ADMIN]: 'true' },
  }),
  // Prometheus' scrape identity: put its user in the system:monitoring group.
  clusterRole('system:monitoring', [urls(['get'], ['/metrics', '/healthz', '/healthz/*', '/livez', '/livez/*', '/readyz', '/readyz/*'])]),
  // OIDC discovery of the ServiceAccount token issuer, so that others can verify its tokens.
  clusterRole('system:service-account-issuer-discovery', [urls(['get'], SERVICE_ACCOUNT_ISSUER_URLS)]),
  // Joining nodes: a bootstrap token may ask for certificates, and the approver signs a node's
  // client certificate for whoever holds the nodeclient (bootstrap) or selfnodeclient (renewal) rights.
  clusterRole('system:node-bootstrapper', [rule(['create', 'get', 'list', 'watch'], ['certificates.k8s.io'], ['certificatesigningrequests'])]),
  clusterRole(NODE_CLIENT_ROLE, [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/nodeclient'])]),
  clusterRole(SELF_NODE_CLIENT_ROLE, [rule(['create'], ['certificates.k8s.io'], ['certificatesigningrequests/selfnodeclient'])]),
];

const group = (name: string): Subject => ({ kind: 'Group', apiGroup: RBAC_GROUP, name });
const user = (name: string): Subject => ({ kind: 'User', apiGroup: RBAC_GROUP, name });

function binding(name: string, role: string, subjects: Subject[]): ClusterRoleBinding {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: { name, labels: { ...BOOTSTRAP_LABELS }, annotations: { [AUTOUPDATE_ANNOTATION]: 'true' } },
    roleRef: { apiGroup: RBAC_GROUP, kind: 'ClusterRole', name: role },
    subjects,
  };
}

export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS: readonly ClusterRoleBinding[] = [
  binding('cluster-admin', 'cluster-admin', [group(SYSTEM_MASTERS)]),
  binding('system:basic-user', 'system:basic-user', [group(SYSTEM_AUTHENTICATED)]),
  binding('system:discovery', 'system:discovery', [group(SYSTEM_AUTHENTICATED)]),
  binding('system:public-info-viewer', 'system:public-info-viewer', [group(SYSTEM_AUTHENTICATED), group(SYSTEM_UNAUTHENTICATED)]),
  binding('system:kube-scheduler', 'system:kube-scheduler', [user(KUBE_SCHEDULER_USER)]),
  binding('system:volume-scheduler', 'system:volume-scheduler', [user(KUBE_SCHEDULER_USER)]),
  binding('system:kube-controller-manager', 'system:kube-controller-manager', [user(KUBE_CONTROLLER_MANAGER_USER)]),
  // The shared kube-proxy identity, and each node's own proxy (system:kube-proxy:<node>).
  binding('system:node-proxier', 'system:node-proxier', [user(KUBE_PROXY_USER), group(NODE_PROXIERS_GROUP)]),
  binding(NETWORK_POLICY_AGENT_ROLE, NETWORK_POLICY_AGENT_ROLE, [user(KUBE_PROXY_USER), group(NODE_PROXIERS_GROUP)]),
  binding(NODE_NETWORK_AGENT_ROLE, NODE_NETWORK_AGENT_ROLE, [group(NODE_PROXIERS_GROUP)]),
  // Bound to nobody, as in Kubernetes: kubelets go through the Node authorizer.
  binding('system:node', 'system:node', []),
  binding('system:monitoring', 'system:monitoring', [group(SYSTEM_MONITORING)]),
  binding('system:service-account-issuer-discovery', 'system:service-account-issuer-discovery', [group(SERVICE_ACCOUNTS_GROUP)]),
  // kubeadm's bindings for the tokens it makes for nodes, and node client certificate renewal.
  binding('kubeadm:kubelet-bootstrap', 'system:node-bootstrapper', [group(DEFAULT_NODE_TOKEN_GROUP)]),
  binding('kubeadm:node-autoapprove-bootstrap', NODE_CLIENT_ROLE, [group(DEFAULT_NODE_TOKEN_GROUP)]),
  binding('kubeadm:node-autoapprove-certificate-rotation', SELF_NODE_CLIENT_ROLE, [group(NODES_GROUP)]),
];
