/**
 * kubets' ingress controller, as other folders use it: the `kubets ingress-controller` command and
 * the controller itself (Ingresses rendered into one HAProxy, reloaded without dropping connections).
 */
export { ingressControllerCommand } from './command.js';
export { IngressController } from './controller.js';
export { CONTROLLER_NAME, DEFAULT_CLASS_ANNOTATION } from './ingress-class.js';
export { compileIngressControllerOptions, type IngressControllerOptions } from './options.js';
