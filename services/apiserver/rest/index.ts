/** The HTTP API, as the apiserver starts it. */
export { startRestServer, type RestServerOptions, type RunningRestServer } from './server.js';
