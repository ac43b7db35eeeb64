import { describe, expect, it } from 'vitest';
import type { Service } from '../../../lib/api/generated/index.js';
import { prepareServiceUpdate } from './service-update.js';

const nodePortService = (): Service => ({
  metadata: { name: 's' },
  spec: { type: 'NodePort', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], externalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', nodePort: 30080 }] },
});

describe('prepareServiceUpdate', () => {
  it('keeps the ClusterIP and nodePorts an update leaves empty', () => {
    const svc: Service = { metadata: { name: 's' }, spec: { type: 'NodePort', ports: [{ port: 80, protocol: 'TCP' }] } };
    prepareServiceUpdate(svc, nodePortService());
    expect(svc.spec).toMatchObject({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ nodePort: 30080 }] });
  });

  it('drops the nodePorts and externalTrafficPolicy sent back unchanged when the type becomes ClusterIP', () => {
    const svc = nodePortService();
    svc.spec!.type = 'ClusterIP';
    prepareServiceUpdate(svc, nodePortService());
    expect(svc.spec?.ports?.[0]?.nodePort).toBeUndefined();
    expect(svc.spec?.externalTrafficPolicy).toBe('');
    expect(svc.spec?.clusterIP).toBe('10.96.0.10');
  });

  it('keeps a nodePort the client changed, so validation can refuse it', () => {
    const svc = nodePortService();
    svc.spec = { ...svc.spec, type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP', nodePort: 31000 }] };
    prepareServiceUpdate(svc, nodePortService());
    expect(svc.spec?.ports?.[0]?.nodePort).toBe(31000);
  });

  it('drops the ClusterIP when the type becomes ExternalName', () => {
    const svc = nodePortService();
    svc.spec = { ...svc.spec, type: 'ExternalName', externalName: 'db.example.com' };
    prepareServiceUpdate(svc, nodePortService());
    expect(svc.spec).toMatchObject({ clusterIP: '', clusterIPs: [] });
    expect(svc.spec?.ports?.[0]?.nodePort).toBeUndefined();
  });
});
