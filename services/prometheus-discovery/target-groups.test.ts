import { describe, expect, it } from 'vitest';
import type { Endpoints, Node, Pod, Service } from '../../lib/api/generated/index.js';
import { sanitizeLabelName, targetGroups } from './target-groups.js';

const node: Node = {
  metadata: { name: 'n1', labels: { 'kubernetes.io/hostname': 'n1' } },
  status: { addresses: [{ type: 'Hostname', address: 'n1' }, { type: 'InternalIP', address: '10.250.0.2' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
};
const service: Service = { metadata: { name: 'kube-scheduler', namespace: 'kube-system', annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '10259' } } };
const endpoints: Endpoints = {
  metadata: { name: 'kube-scheduler', namespace: 'kube-system' },
  subsets: [{ addresses: [{ ip: '172.17.0.1' }], notReadyAddresses: [{ ip: '172.17.0.9' }], ports: [{ name: 'metrics', port: 10259, protocol: 'TCP' }] }],
};
const pod: Pod = {
  metadata: { name: 'web-1', namespace: 'shop', uid: 'u1', annotations: { 'prometheus.io/scrape': 'true' } },
  spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'web:v1', ports: [{ name: 'http', containerPort: 8080 }] }, { name: 'side', image: 'busybox:v1' }] },
  status: { podIP: '172.17.0.5', hostIP: '172.17.0.1', phase: 'Running' },
};
const objects = { nodes: [node], services: [service], endpoints: [endpoints], pods: [pod] };

describe("Prometheus' Kubernetes discovery labels", () => {
  it("sanitizes label names as Prometheus does", () => {
    expect(sanitizeLabelName('prometheus.io/scrape')).toBe('prometheus_io_scrape');
  });

  it('gives a node its kubelet address and its addresses and labels', () => {
    const [group] = targetGroups('node', objects);
    expect(group?.targets).toEqual(['10.250.0.2:10250']);
    expect(group?.labels).toMatchObject({
      __meta_kubernetes_node_name: 'n1',
      __meta_kubernetes_node_address_InternalIP: '10.250.0.2',
      __meta_kubernetes_node_address_Hostname: 'n1',
      __meta_kubernetes_node_label_kubernetes_io_hostname: 'n1',
      __meta_kubernetes_node_labelpresent_kubernetes_io_hostname: 'true',
    });
  });

  it("gives each endpoint address and port its Service's annotations and readiness", () => {
    const groups = targetGroups('endpoints', objects);
    expect(groups.map((g) => [g.targets[0], g.labels.__meta_kubernetes_endpoint_ready])).toEqual([['172.17.0.1:10259', 'true'], ['172.17.0.9:10259', 'false']]);
    expect(groups[0]?.labels).toMatchObject({
      __meta_kubernetes_namespace: 'kube-system',
      __meta_kubernetes_service_name: 'kube-scheduler',
      __meta_kubernetes_endpoint_port_name: 'metrics',
      __meta_kubernetes_service_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_service_annotation_prometheus_io_port: '10259',
    });
  });

  it('gives a pod one target per declared port and one for a container without ports', () => {
    const groups = targetGroups('pod', objects);
    expect(groups.map((g) => g.targets[0])).toEqual(['172.17.0.5', '172.17.0.5:8080']);
    expect(groups[1]?.labels).toMatchObject({
      __meta_kubernetes_pod_name: 'web-1',
      __meta_kubernetes_pod_container_name: 'app',
      __meta_kubernetes_pod_container_port_number: '8080',
      __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_pod_node_name: 'n1',
    });
  });

  it('leaves out pods without an IP yet', () => {
    expect(targetGroups('pod', { ...objects, pods: [{ ...pod, status: {} }] })).toEqual([]);
  });
});
