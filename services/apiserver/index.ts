/**
 * kubets' apiserver, as other folders use it: the `kubets apiserver` command, the server itself
 * (for harnesses that run it in-process), and the node flags it wants from whoever spawns it.
 */
export { apiserverCommand } from './command.js';
export { startApiserver, type RunningApiserver } from './server.js';
export type { ApiserverOptions } from './options.js';
export { APISERVER_NODE_FLAGS } from './node-flags.js';
export { aescbcConfigYaml, newAesKey } from './storage/encryption/config.js';
export { parseEncryptionConfig } from './storage/encryption/config.js';
export { auditLevelFor, parseAuditPolicy } from './audit/index.js';
