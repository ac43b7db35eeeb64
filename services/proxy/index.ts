/**
 * kubets' proxy, as other folders use it: the `kubets proxy` command, the proxy itself, and the
 * host clean-up `kubets down` runs with the proxy's defaults (which fails with HostLockError while another proxy holds the host).
 */
export { proxyCommand } from './command.js';
export { ProxyServer, cleanupHost } from './proxy-server.js';
export { compileProxyOptions, DEFAULT_LOCK_FILE, DEFAULT_SERVICE_CLUSTER_IP_RANGE, type ProxyOptions } from './options.js';
export { compileNetworkBackend, networkBackendArgs, NETWORK_BACKENDS } from './options.js';
export { podMtuFor, type NetworkBackend } from './pod-network/route-backend-for.js';
export { vxlanDeviceName } from './pod-network/vxlan.js';
export { HostLockError } from './host-lock.js';
