/**
 * kubets' controller manager: the control loops of kube-controller-manager (replication
 * controllers and replica sets, deployments, endpoints, namespaces, garbage collection, node
 * lifecycle and taint eviction, HPA) over shared informers, one leader at a time;
 * `controllerManagerCommand` is `kubets controller-manager`.
 */
export { controllerManagerCommand } from './command.js';
export { ControllerManager, DEFAULT_LEASE_NAME, DEFAULT_LEASE_NAMESPACE, type ControllerManagerOptions, type ControllerManagerExit } from './controller-manager.js';
export { CONTROLLERS, type ControllerDescriptor } from './controllers.js';
export { compileSettings, isControllerEnabled, DEFAULT_SETTINGS, InvalidControllerOptionsError, type ControllerSettings } from './options.js';
export type { Controller, ControllerContext } from './common/controller.js';
