/**
 * Cluster log collection: the `kubets log-shipper` command, one per node, which follows the pod
 * containers' logs through the engine and ships them to systemd-journal-remote.
 */
export { logShipperCommand } from './command.js';
export { LogShipper, type LogShipperOptions } from './shipper.js';
export { encodeEntry, type JournalFields } from './journal-export.js';
export { DockerEngine, defaultDockerSocket, type Engine, type EngineContainer } from './engine.js';
