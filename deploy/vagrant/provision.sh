#!/usr/bin/env bash
# Provisions one Rocky Linux 9 (or AlmaLinux 9) or Debian 12 machine of the Vagrant cluster
# (Vagrantfile; Debian 12 is what deploy/vm boots on KVM):
#   provision.sh master INDEX MASTERS   etcd member, apiserver, scheduler, controller-manager (user
#                                       kubets), HAProxy + keepalived for the VIP; master1 makes the
#                                       cluster files and runs the image registry, the other masters
#                                       take master1's files from their seed folder
#   provision.sh worker INDEX           Docker, then `kubets join` with the join command master1 made
#                                       for this worker: its kubelet and proxy run on what join wrote
#                                       and nothing else of the cluster reaches it (no CA key, no
#                                       other identity's token)
# Every machine first runs scripts/setup-host.sh --node (dnf or apt): packages, the build, /usr/local/bin/kubets.
# etcd and the registry are GitHub release binaries on EL9 and Debian's packages on Debian.
# Paths go under $KUBETS_PROVISION_ROOT (empty on a VM) so that a test can run this script into a folder.
set -euo pipefail

role=${1:?usage: provision.sh master INDEX MASTERS | worker INDEX}
index=${2:?usage: provision.sh master INDEX MASTERS | worker INDEX}
masters=${3:-3}
root=${KUBETS_PROVISION_ROOT:-}
repo=${KUBETS_REPO:-/kubets}
seed=${KUBETS_SEED:-/var/lib/kubets-seed}
etc=$root/etc/kubets
units=$root/etc/systemd/system

vip=192.168.56.10
registry=192.168.56.11:5000
cluster_cidr=10.244.0.0/16
# host-gw while the machines share the private network; vxlan where they do not (KUBETS_NETWORK_BACKEND).
network_backend=${KUBETS_NETWORK_BACKEND:-host-gw}
etcd_version=v3.5.17
registry_version=2.8.3

step() { printf '==> %s\n' "$*"; }
master_ip() { echo "192.168.56.$((10 + $1))"; }
worker_ip() { echo "192.168.56.$((20 + $1))"; }
# The interface that holds an address (eth1 on most boxes; named otherwise on some).
interface_of() { ip -o -4 addr show | awk -v ip="$1" '$4 ~ "^" ip "/" { print $2; exit }'; }
system_user() { id -u "$1" >/dev/null 2>&1 || useradd --system --no-create-home --shell /sbin/nologin "$1"; }
owned_dir() { mkdir -p "$2" && chown "$1:$1" "$2" && chmod 0700 "$2"; }

# A release archive from GitHub, checked against the release's own SHA-256 list (lines "HASH  NAME",
# or a lone hash in a per-archive .sha256 file), unpacked into $2.
fetch_release() {
  local url=$1 into=$2 sums=$3 name expected actual
  name=$(basename "$url")
  mkdir -p "$into"
  curl -fsSL -o "$into/$name" "$url"
  curl -fsSL -o "$into/SHA256SUMS" "$sums"
  expected=$(awk -v name="$name" '$2 == name || $2 == "*" name || NF == 1 { print $1; exit }' "$into/SHA256SUMS")
  actual=$(sha256sum "$into/$name" | cut -d' ' -f1)
  if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
    echo "provision: $name does not match its published SHA-256" >&2
    exit 1
  fi
  tar -C "$into" -xzf "$into/$name"
}

# Debian's package of a binary the units run from /usr/local/bin: linked there, nothing downloaded.
link_packaged() {
  [ -x "$2" ] || return 1
  ln -sfn "$2" "$root/usr/local/bin/$1"
}

install_etcd() {
  [ -x "$root/usr/local/bin/etcd" ] && return 0
  link_packaged etcd /usr/bin/etcd && return 0
  step "installing etcd $etcd_version"
  local tmp
  tmp=$(mktemp -d)
  fetch_release "https://github.com/etcd-io/etcd/releases/download/$etcd_version/etcd-$etcd_version-linux-amd64.tar.gz" "$tmp" \
    "https://github.com/etcd-io/etcd/releases/download/$etcd_version/SHA256SUMS"
  install -m 0755 "$tmp/etcd-$etcd_version-linux-amd64/etcd" "$root/usr/local/bin/etcd"
  rm -rf "$tmp"
}

install_registry() {
  [ -x "$root/usr/local/bin/registry" ] && return 0
  link_packaged registry /usr/bin/docker-registry && return 0
  step "installing the registry (distribution $registry_version)"
  local tmp archive=registry_${registry_version}_linux_amd64.tar.gz
  tmp=$(mktemp -d)
  fetch_release "https://github.com/distribution/distribution/releases/download/v$registry_version/$archive" "$tmp" \
    "https://github.com/distribution/distribution/releases/download/v$registry_version/$archive.sha256"
  install -m 0755 "$tmp/registry" "$root/usr/local/bin/registry"
  rm -rf "$tmp"
}

install_units() {
  mkdir -p "$units"
  local unit
  for unit in "$@"; do install -m 0644 "$repo/deploy/systemd/$unit.service" "$units/"; done
  systemctl daemon-reload
}

# The cluster files of a master: made here on master1, master1's copy on the others (their seed).
master_files() {
  local ips=$1
  if [ "$index" = 1 ]; then
    step "making the cluster files (kubets certs)"
    # No kubelet identities: workers get theirs by joining. etcd's certificates name every member;
    # the encryption config's key is shared by every apiserver.
    kubets certs --data-dir "$etc" --server "$vip:8443" --hosts "$vip,$ips" --etcd-hosts "$ips" --nodes "" \
      --registry "$registry" --registry-storage "$root/var/lib/kubets/registry"
  else
    step "taking master1's cluster files"
    mkdir -p "$etc"
    tar -C "$etc" -xzf "$seed/cluster.tgz"
  fi
  # The control plane runs as kubets and owns the files; etcd (its own user) reads only its keys.
  chown -R kubets:kubets "$etc"
  chmod 0711 "$etc" "$etc/pki" "$etc/pki/etcd"
  chown etcd:etcd "$etc"/pki/etcd/{server,peer}.{crt,key}
}

provision_master() {
  local ip ips="" cluster="" etcd_servers="" m
  ip=$(master_ip "$index")
  for m in $(seq 1 "$masters"); do
    ips+="$(master_ip "$m"),"
    cluster+="m$m=https://$(master_ip "$m"):2380,"
    etcd_servers+="https://$(master_ip "$m"):2379,"
  done
  system_user kubets
  system_user etcd
  install_etcd
  master_files "${ips%,}"
  printf 'ETCD_NAME=m%s\nNODE_IP=%s\nETCD_INITIAL_CLUSTER=%s\n' "$index" "$ip" "${cluster%,}" >"$etc/etcd.env"
  printf 'NODE_IP=%s\nETCD_SERVERS=%s\n' "$ip" "${etcd_servers%,}" >"$etc/kubets.env"
  owned_dir etcd "$root/var/lib/etcd"

  install -m 0644 "$repo/deploy/ha/haproxy.cfg" "$root/etc/haproxy/haproxy.cfg"
  sed -e "s/priority 101/priority $((102 - index))/" -e "s/interface eth1/interface $(interface_of "$ip")/" \
    "$repo/deploy/ha/keepalived.conf" >"$root/etc/keepalived/keepalived.conf"
  # SELinux: HAProxy connects to ports of no known service type, and keepalived's check connects
  # to HAProxy's; each boolean is set where the loaded policy has it.
  local boolean
  for boolean in haproxy_connect_any keepalived_connect_any; do
    if getsebool "$boolean" >/dev/null 2>&1; then setsebool -P "$boolean" 1; fi
  done

  local services=(etcd kubets-apiserver kubets-scheduler kubets-controller-manager)
  if [ "$index" = 1 ]; then
    install_registry
    owned_dir kubets "$root/var/lib/kubets/registry"
    services+=(kubets-registry)
  fi
  install_units "${services[@]}"
  systemctl enable haproxy keepalived "${services[@]}"
  # etcd waits for a quorum, which the next master brings: start without waiting for it. Restart,
  # since Debian starts HAProxy with its own configuration, and a provisioning run again changes files.
  systemctl restart --no-block haproxy keepalived "${services[@]}"
  if [ "$index" = 1 ]; then
    # The local images (built by setup-host) go to the registry, where every worker's engine pulls them.
    step "pushing the local images to the cluster registry $registry"
    until curl -fsS -o /dev/null --cacert "$etc/pki/ca.crt" "https://$registry/v2/"; do sleep 1; done
    mkdir -p "$root/etc/docker/certs.d/$registry"
    install -m 0644 "$etc/pki/ca.crt" "$root/etc/docker/certs.d/$registry/ca.crt"
    KUBETS_REGISTRY=$registry "$repo/scripts/build-images"
  fi
}

# SHA-256 of a certificate's public key (its DER SubjectPublicKeyInfo), as --ca-cert-hash names it.
ca_cert_hash() { openssl x509 -pubkey -noout -in "$1" | openssl pkey -pubin -outform der | sha256sum | cut -d' ' -f1; }

provision_worker() {
  local ip name join server="" token="" hash="" words i
  ip=$(worker_ip "$index")
  name=worker$index
  # The line `kubets token create --print-join-command` printed on master1 for this worker.
  join=$(cat "$seed/join")
  read -ra words <<<"$join"
  if [ "${words[0]##*/}" != kubets ] || [ "${words[1]:-}" != join ]; then
    echo "provision: $seed/join is not a kubets join command" >&2
    exit 1
  fi
  server=${words[2]}
  for ((i = 3; i < ${#words[@]}; i++)); do
    case "${words[i]}" in
      --token) token=${words[i + 1]} ;;
      --ca-cert-hash) hash=${words[i + 1]} ;;
    esac
  done
  if [ -z "$token" ] || [ -z "$hash" ]; then
    echo "provision: $seed/join lacks --token or --ca-cert-hash" >&2
    exit 1
  fi

  # The cluster CA (public) lets Docker trust the registry; only the one the join command pins will do.
  if [ "sha256:$(ca_cert_hash "$seed/ca.crt")" != "$hash" ]; then
    echo "provision: $seed/ca.crt is not the CA the join command pins" >&2
    exit 1
  fi
  mkdir -p "$root/etc/docker/certs.d/$registry"
  install -m 0644 "$seed/ca.crt" "$root/etc/docker/certs.d/$registry/ca.crt"
  printf '{\n  "registry-mirrors": ["https://%s"]\n}\n' "$registry" >"$root/etc/docker/daemon.json"
  systemctl restart docker

  if [ -f "$etc/node.env" ]; then
    step "$name already joined"
  else
    step "joining the cluster as $name ($ip)"
    kubets join "$server" --token "$token" --ca-cert-hash "$hash" --node-name "$name" --node-ip "$ip" --data-dir "$etc" \
      --cluster-cidr "$cluster_cidr" --network-backend "$network_backend"
  fi
  install_units kubets-kubelet kubets-proxy
  systemctl enable --now kubets-kubelet kubets-proxy
}

step "setting up the host (scripts/setup-host.sh --node)"
"$repo/scripts/setup-host.sh" --node
# The machines talk on the private network only; the proxy owns the packet filter (iptables).
systemctl disable --now firewalld 2>/dev/null || true
# Debian starts its packages' etcd (loopback) and registry (:5000) with their own configuration;
# the kubets units run them instead.
systemctl disable --now docker-registry 2>/dev/null || true
[ -f "$units/etcd.service" ] || systemctl disable --now etcd 2>/dev/null || true

case "$role" in
  master) provision_master ;;
  worker) provision_worker ;;
  *) echo "provision: unknown role $role (master or worker)" >&2; exit 1 ;;
esac
