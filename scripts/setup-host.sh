#!/usr/bin/env bash
# Installs and starts what kubets needs on a Debian host, idempotently, printing each step:
# Debian packages (etcd, Docker, busybox-static, HAProxy, keepalived, iptables, the Python
# kubernetes client the HTTP API tests drive, the add-ons' Prometheus, journal store and image
# registry, Chromium for the dashboard's browser tests, shellcheck, Vagrant to validate
# deploy/vagrant's Vagrantfile), a safely started
# dockerd (README, network safety: image pulls), node modules, the build, the `kubets` command with
# its bash completion, and the local images.
# On an EL9 host (Rocky Linux, AlmaLinux: the Vagrant cluster's machines) it installs with dnf what
# a cluster machine runs (Docker CE, Node.js 20, busybox, HAProxy, keepalived, iptables; etcd and
# the registry are release binaries there, see deploy/vagrant/provision.sh) and Docker runs as the
# distribution's service; the test suite's extras are Debian only.
# `setup-host.sh --node` is a cluster machine (deploy/vagrant/provision.sh): on Debian only the
# packages a node runs, not the test suite's and the add-ons' extras.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '==> %s\n' "$*"; }

node_packages=(docker.io etcd-server busybox-static haproxy keepalived iptables iproute2 docker-registry)
packages=("${node_packages[@]}" python3-kubernetes prometheus systemd-journal-remote chromium shellcheck vagrant)
case "${1:-}" in
  --node) packages=("${node_packages[@]}") ;;
  '') ;;
  *) echo "usage: setup-host.sh [--node]" >&2; exit 2 ;;
esac
el_packages=(docker-ce docker-ce-cli containerd.io busybox haproxy keepalived iptables iproute nodejs npm openssl tar)

install_debian_packages() {
  local missing=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "setup: need root to install: ${missing[*]}" >&2; exit 1; }
    step "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    step "Debian packages present"
  fi
}

# EL9: busybox from EPEL (statically linked, as Fedora builds it), Node.js 20 from its AppStream
# module, Docker CE from Docker's repository, Docker started as the distribution's service.
install_el_packages() {
  local missing=() p
  for p in "${el_packages[@]}"; do
    rpm -q "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || { echo "setup: need root to install: ${missing[*]}" >&2; exit 1; }
    step "installing EL9 packages: ${missing[*]}"
    dnf install -y -q epel-release dnf-plugins-core
    [ -f /etc/yum.repos.d/docker-ce.repo ] || dnf config-manager --add-repo https://download.docker.com/linux/rhel/docker-ce.repo
    dnf module enable -y -q nodejs:20
    dnf install -y -q "${missing[@]}"
  else
    step "EL9 packages present"
  fi
  systemctl enable --now docker
  BUSYBOX=${BUSYBOX:-$(command -v busybox)}
  export BUSYBOX
}

if command -v apt-get >/dev/null; then
  install_debian_packages
elif command -v dnf >/dev/null; then
  install_el_packages
else
  echo "setup: neither apt-get (Debian) nor dnf (EL9) found" >&2
  exit 1
fi

step "checking the Docker engine"
scripts/start-dockerd.sh

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "installing node modules (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
else
  step "node modules present"
fi

step "building (tsc)"
npm run --silent build

# `kubets` on the PATH is this checkout's build; a link left by another checkout is replaced.
command_link=/usr/local/bin/kubets
completion_file=/usr/share/bash-completion/completions/kubets
if [ "$(id -u)" != 0 ]; then
  step "not root: leaving $command_link alone (run node dist/cli/main.js)"
else
  entry="$PWD/dist/cli/main.js"
  if [ "$(readlink "$command_link" 2>/dev/null)" != "$entry" ]; then
    step "linking $command_link -> $entry"
    ln -sfn "$entry" "$command_link"
  else
    step "$command_link present"
  fi
  mkdir -p "$(dirname "$completion_file")"
  completion=$(mktemp)
  node "$entry" completion bash >"$completion"
  if cmp -s "$completion" "$completion_file"; then
    rm -f "$completion"
    step "bash completion present"
  else
    step "installing bash completion: $completion_file"
    install -m 0644 "$completion" "$completion_file"
    rm -f "$completion"
  fi
fi

step "building local images"
scripts/build-images
