/** Settings of the controller manager and its controllers, fully defaulted by compileOptions. */
export interface ControllerSettings {
  /** Names to run; `*` is every controller, `-name` leaves one out (kube-controller-manager's --controllers). */
  controllers: string[];
  concurrentRcSyncs: number;
  concurrentReplicaSetSyncs: number;
  concurrentDeploymentSyncs: number;
  concurrentEndpointSyncs: number;
  concurrentNamespaceSyncs: number;
  concurrentGcSyncs: number;
  /** A node whose lease is not renewed for this long is unreachable (Ready=Unknown). */
  nodeMonitorGracePeriodMs: number;
  /** How often node health is checked. */
  nodeMonitorPeriodMs: number;
  /** How often every HPA is reconciled. */
  hpaSyncPeriodMs: number;
}

export const DEFAULT_SETTINGS: ControllerSettings = {
  controllers: ['*'],
  concurrentRcSyncs: 5,
  concurrentReplicaSetSyncs: 5,
  concurrentDeploymentSyncs: 5,
  concurrentEndpointSyncs: 5,
  concurrentNamespaceSyncs: 10,
  concurrentGcSyncs: 20,
  nodeMonitorGracePeriodMs: 40_000,
  nodeMonitorPeriodMs: 5_000,
  hpaSyncPeriodMs: 15_000,
};

export class InvalidControllerOptionsError extends Error {
  override readonly name = 'InvalidControllerOptionsError';
}

export function compileSettings(partial: Partial<ControllerSettings> = {}): ControllerSettings {
  const settings: ControllerSettings = { ...DEFAULT_SETTINGS };
  for (const [key, value] of Object.entries(partial) as [keyof ControllerSettings, unknown][]) {
    if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
  }
  for (const [key, value] of Object.entries(settings)) {
    if (typeof value === 'number' && (!Number.isFinite(value) || value <= 0)) {
      throw new InvalidControllerOptionsError(`${key} must be a positive number, got ${value}`);
    }
  }
  return settings;
}

/** Whether --controllers enables a controller: named, or covered by `*` and not excluded with `-name`. */
export function isControllerEnabled(name: string, controllers: readonly string[]): boolean {
  if (controllers.includes(`-${name}`)) return false;
  return controllers.includes(name) || controllers.includes('*');
}
