#!/usr/bin/env bash
# Starts dockerd the safe way (README, network safety: image pulls) when no Docker engine answers:
# a dead loopback proxy makes any image pull fail locally in milliseconds instead of leaving the machine.
# Only loopback and the cluster registry of `kubets up --nodes N` (the host's address on the default
# node network, 10.250.0.1, port 5000) bypass it, so pods of this host's node run pushed images too.
set -euo pipefail
if docker info >/dev/null 2>&1; then
  echo "docker: engine already running"
  exit 0
fi
command -v dockerd >/dev/null || { echo "docker: dockerd not installed (apt-get install docker.io)" >&2; exit 1; }
log=${DOCKERD_LOG:-/var/log/dockerd.log}
echo "docker: starting dockerd (log: $log)"
HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=localhost,127.0.0.1,10.250.0.1:5000 \
  nohup dockerd >"$log" 2>&1 </dev/null &
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then echo "docker: ready"; exit 0; fi
  sleep 0.5
done
echo "docker: dockerd did not become ready in 30s; see $log" >&2
exit 1
