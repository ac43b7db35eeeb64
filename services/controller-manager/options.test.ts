import { describe, expect, it } from 'vitest';
import { CONTROLLERS } from './controllers.js';
import { compileSettings, InvalidControllerOptionsError, isControllerEnabled } from './options.js';

describe('controller manager options', () => {
  it('enables controllers as --controllers says: *, names, and -name exclusions', () => {
    expect(isControllerEnabled('deployment', ['*'])).toBe(true);
    expect(isControllerEnabled('deployment', ['*', '-deployment'])).toBe(false);
    expect(isControllerEnabled('deployment', ['replicaset'])).toBe(false);
    expect(isControllerEnabled('replicaset', ['replicaset'])).toBe(true);
  });

  it('defaults every setting and refuses non-positive numbers', () => {
    expect(compileSettings({ concurrentRcSyncs: 2 })).toMatchObject({ concurrentRcSyncs: 2, concurrentReplicaSetSyncs: 5, nodeMonitorGracePeriodMs: 40_000 });
    expect(() => compileSettings({ nodeMonitorGracePeriodMs: 0 })).toThrow(InvalidControllerOptionsError);
    expect(compileSettings({ terminatedPodGcThreshold: 0 }).terminatedPodGcThreshold).toBe(0);
    expect(() => compileSettings({ terminatedPodGcThreshold: -1 })).toThrow('terminatedPodGcThreshold must be a non-negative number, got -1');
  });

  it('keeps --max-endpoints-per-slice within what an EndpointSlice holds', () => {
    expect(compileSettings({}).maxEndpointsPerSlice).toBe(100);
    expect(compileSettings({ maxEndpointsPerSlice: 1000 }).maxEndpointsPerSlice).toBe(1000);
    expect(() => compileSettings({ maxEndpointsPerSlice: 1001 })).toThrow('maxEndpointsPerSlice must be an integer from 1 to 1000, got 1001');
    expect(() => compileSettings({ maxEndpointsPerSlice: 0 })).toThrow(InvalidControllerOptionsError);
  });

  it('checks the cluster CIDR only when node CIDRs are allocated', () => {
    expect(compileSettings({ clusterCidr: 'nonsense' }).clusterCidr).toBe('nonsense');
    expect(() => compileSettings({ allocateNodeCidrs: true, clusterCidr: 'nonsense' })).toThrow('invalid --cluster-cidr "nonsense": expected an IPv4 CIDR such as 10.244.0.0/16');
    expect(() => compileSettings({ allocateNodeCidrs: true, clusterCidr: '10.244.0.0/16', nodeCidrMaskSize: 8 })).toThrow('invalid --node-cidr-mask-size 8: expected 16-30');
  });

  it('knows each controller once, by the names kube-controller-manager uses', () => {
    const names = CONTROLLERS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining(['replicationcontroller', 'replicaset', 'deployment', 'endpoint', 'endpointslice', 'namespace', 'garbagecollector', 'nodelifecycle', 'taint-eviction-controller', 'horizontalpodautoscaling', 'nodeipam', 'podgc', 'job', 'cronjob', 'resourcequota']),
    );
  });
});
