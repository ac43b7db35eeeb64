/**
 * Node flags the apiserver process is started with (kubets up, the systemd unit, the benchmarks, the HA test).
 * V8 sizes its young generation when it starts, so this cannot be set from inside the process: a
 * 4 MiB young generation keeps the garbage of write bursts from inflating the resident size while
 * the watch cache holds every object (bench/README.md, apiserver RSS).
 */
export const APISERVER_NODE_FLAGS = [
  '--max-semi-space-size=4',
  // V8 allocates objects straight into the old generation once their allocation site's objects
  // survived young collections often enough. Under a burst of calls, grpc-js' and HTTP/2's
  // per-call objects (alive for a call's milliseconds) got sites pretenured this way: their garbage
  // then needed full mark-compacts, one every 1.5 s, and a Version call cost a third more CPU
  // (bench/README.md, issue 9, the server's per-call path).
  '--no-allocation-site-pretenuring',
  // grpc-js (under the etcd3 client) sends an etcd endpoint's IP address as the TLS server name,
  // which Node deprecates (DEP0123) with a warning on stderr; the member's certificate is still
  // verified against that IP. An etcd client given IP endpoints can set no other name to send.
  '--disable-warning=DEP0123',
];
