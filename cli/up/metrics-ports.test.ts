import { describe, expect, it } from 'vitest';
import { metricsArgs, metricsPortsOf } from './metrics-ports.js';

describe('metricsPortsOf', () => {
  it("lays the components' metrics ports out as Kubernetes does around the kubelet port", () => {
    expect(metricsPortsOf(10250)).toEqual({ apiserver: 10251, scheduler: 10259, 'controller-manager': 10257, kubelet: 10255, proxy: 10249 });
  });

  it('moves them with --kubelet-port, so two clusters do not collide', () => {
    expect(Object.values(metricsPortsOf(20250)).sort()).toEqual([20249, 20251, 20255, 20257, 20259]);
  });

  it('refuses a kubelet port that pushes one out of range', () => {
    expect(() => metricsPortsOf(65530)).toThrow('--kubelet-port 65530 leaves no room for the scheduler metrics port (65539)');
  });

  it('binds to loopback unless told otherwise', () => {
    expect(metricsArgs(10249)).toEqual(['--metrics-port', '10249', '--metrics-bind-address', '127.0.0.1']);
  });
});
