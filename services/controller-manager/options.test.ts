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
  });

  it('knows each controller once, by the names kube-controller-manager uses', () => {
    const names = CONTROLLERS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining(['replicationcontroller', 'replicaset', 'deployment', 'endpoint', 'namespace', 'garbagecollector', 'nodelifecycle', 'taint-eviction-controller', 'horizontalpodautoscaling']),
    );
  });
});
