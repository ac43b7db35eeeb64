import type { Endpoints, Node, Pod, Service } from '../../lib/api/generated/index.js';

// Prometheus' Kubernetes service discovery, computed from the cluster's objects and served to
// Prometheus' HTTP service discovery (Debian's Prometheus is built without the Kubernetes
// discovery). The target groups carry the labels Prometheus' own Kubernetes discovery gives
// (`__meta_kubernetes_*`, same names and values), so the usual relabelling rules apply unchanged.

export const ROLES = ['node', 'endpoints', 'pod'] as const;
export type Role = (typeof ROLES)[number];

/** One entry of Prometheus' HTTP SD answer. */
export interface TargetGroup {
  targets: string[];
  labels: Record<string, string>;
}

export interface ClusterObjects {
  nodes: readonly Node[];
  services: readonly Service[];
  endpoints: readonly Endpoints[];
  pods: readonly Pod[];
}

const META = '__meta_kubernetes_';

/** Prometheus' strutil.SanitizeLabelName: every character outside [a-zA-Z0-9_] becomes `_`. */
export function sanitizeLabelName(name: string): string {
  return name.replace(/[^a-zA-Z0-9_]/g, '_');
}

/** `prefix_<name>` and `prefixpresent_<name>` for each key, as Prometheus writes labels and annotations. */
function mapLabels(prefix: string, values: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    const name = sanitizeLabelName(key);
    out[`${META}${prefix}_${name}`] = value;
    out[`${META}${prefix}present_${name}`] = 'true';
  }
  return out;
}

/** The node's kubelet address: InternalIP first, as Prometheus picks it, then any other address. */
function nodeAddress(node: Node): string | undefined {
  const addresses = node.status?.addresses ?? [];
  return (addresses.find((a) => a.type === 'InternalIP') ?? addresses[0])?.address;
}

function nodeGroups(nodes: readonly Node[]): TargetGroup[] {
  return nodes.flatMap((node) => {
    const address = nodeAddress(node);
    if (!address) return [];
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250;
    const labels: Record<string, string> = {
      [`${META}node_name`]: node.metadata?.name ?? '',
      ...mapLabels('node_label', node.metadata?.labels),
      ...mapLabels('node_annotation', node.metadata?.annotations),
    };
    for (const a of node.status?.addresses ?? []) labels[`${META}node_address_${a.type ?? ''}`] ??= a.address ?? '';
    return [{ targets: [`${address}:${port}`], labels }];
  });
}

function serviceLabels(service: Service | undefined, namespace: string, name: string): Record<string, string> {
  return {
    [`${META}namespace`]: namespace,
    [`${META}service_name`]: name,
    ...mapLabels('service_label', service?.metadata?.labels),
    ...mapLabels('service_annotation', service?.metadata?.annotations),
  };
}

function endpointsGroups(objects: ClusterObjects): TargetGroup[] {
  const services = new Map(objects.services.map((s) => [`${s.metadata?.namespace}/${s.metadata?.name}`, s]));
  return objects.endpoints.flatMap((ep) => {
    const namespace = ep.metadata?.namespace ?? '';
    const name = ep.metadata?.name ?? '';
    const base = { ...serviceLabels(services.get(`${namespace}/${name}`), namespace, name), [`${META}endpoints_name`]: name };
    return (ep.subsets ?? []).flatMap((subset) => {
      const addresses = [...(subset.addresses ?? []).map((a) => ({ a, ready: 'true' })), ...(subset.notReadyAddresses ?? []).map((a) => ({ a, ready: 'false' }))];
      return addresses.flatMap(({ a, ready }) =>
        (subset.ports ?? []).map((port) => ({
          targets: [`${a.ip ?? ''}:${port.port ?? 0}`],
          labels: {
            ...base,
            [`${META}endpoint_ready`]: ready,
            [`${META}endpoint_port_name`]: port.name ?? '',
            [`${META}endpoint_port_protocol`]: port.protocol ?? 'TCP',
            ...(a.nodeName && { [`${META}endpoint_node_name`]: a.nodeName }),
            ...(a.targetRef?.kind === 'Pod' && { [`${META}pod_name`]: a.targetRef.name ?? '' }),
          },
        })),
      );
    });
  });
}

function podGroups(pods: readonly Pod[]): TargetGroup[] {
  return pods.flatMap((pod) => {
    const ip = pod.status?.podIP;
    if (!ip) return [];
    const base: Record<string, string> = {
      [`${META}namespace`]: pod.metadata?.namespace ?? '',
      [`${META}pod_name`]: pod.metadata?.name ?? '',
      [`${META}pod_ip`]: ip,
      [`${META}pod_uid`]: pod.metadata?.uid ?? '',
      [`${META}pod_node_name`]: pod.spec?.nodeName ?? '',
      [`${META}pod_host_ip`]: pod.status?.hostIP ?? '',
      [`${META}pod_phase`]: pod.status?.phase ?? '',
      [`${META}pod_ready`]: String(pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false),
      ...mapLabels('pod_label', pod.metadata?.labels),
      ...mapLabels('pod_annotation', pod.metadata?.annotations),
    };
    // One target per declared port, and one port-less target for a container without ports.
    return (pod.spec?.containers ?? []).flatMap((c) => {
      const container = { ...base, [`${META}pod_container_name`]: c.name ?? '', [`${META}pod_container_image`]: c.image ?? '' };
      if (!c.ports?.length) return [{ targets: [ip], labels: container }];
      return c.ports.map((p) => ({
        targets: [`${ip}:${p.containerPort ?? 0}`],
        labels: { ...container, [`${META}pod_container_port_name`]: p.name ?? '', [`${META}pod_container_port_number`]: String(p.containerPort ?? 0), [`${META}pod_container_port_protocol`]: p.protocol ?? 'TCP' },
      }));
    });
  });
}

/** The target groups of one role, in a stable order. */
export function targetGroups(role: Role, objects: ClusterObjects): TargetGroup[] {
  const groups = role === 'node' ? nodeGroups(objects.nodes) : role === 'endpoints' ? endpointsGroups(objects) : podGroups(objects.pods);
  return groups.sort((a, b) => (a.targets[0] ?? '').localeCompare(b.targets[0] ?? '') || JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
}
