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

# A dockerd or containerd killed without a clean stop leaves its pid file behind. If that pid now
# belongs to another process (or a fresh pid namespace reuses it), dockerd refuses to start
# ("pid file found") or waits on a containerd that is not there; a pid file whose process is not
# the daemon it names is stale.
remove_stale_pidfile() { # file, expected process name
  local file=$1 name=$2 pid
  [ -f "$file" ] || return 0
  pid=$(cat "$file" 2>/dev/null || true)
  if [ -z "$pid" ] || [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != "$name" ]; then
    echo "docker: removing stale pid file $file (pid ${pid:-none} is not $name)"
    rm -f "$file"
  fi
}
remove_stale_pidfile /var/run/docker.pid dockerd
remove_stale_pidfile /var/run/docker/containerd/containerd.pid containerd

echo "docker: starting dockerd (log: $log)"
HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 NO_PROXY=localhost,127.0.0.1,10.250.0.1:5000 \
  nohup dockerd >"$log" 2>&1 </dev/null &
for _ in $(seq 1 180); do
  if docker info >/dev/null 2>&1; then echo "docker: ready"; exit 0; fi
  sleep 0.5
done
echo "docker: dockerd did not become ready in 90s; the end of $log:" >&2
tail -n 20 "$log" >&2
exit 1
