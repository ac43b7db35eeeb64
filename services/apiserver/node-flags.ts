/**
 * Node flags the apiserver process is started with (kubets up, the systemd unit, the benchmarks).
 * V8 sizes its young generation when it starts, so this cannot be set from inside the process: a
 * 4 MiB young generation keeps the garbage of write bursts from inflating the resident size while
 * the watch cache holds every object (bench/README.md, apiserver RSS).
 */
export const APISERVER_NODE_FLAGS = ['--max-semi-space-size=4'];
