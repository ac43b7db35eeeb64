#!/usr/bin/env bash
# Provisions one CentOS VM of the Vagrant cluster: role master or node, index, master and node counts.
# Masters: etcd member, kubets apiserver/scheduler/controller-manager, HAProxy + keepalived.
# Nodes: Docker, kubets kubelet and proxy. Cluster files (CA, tokens, client configs) are made on
# master1 and shared through /kubets/.vagrant-cluster (the synced folder).
set -euo pipefail
role=$1 index=$2 masters=$3 nodes=$4
ip="192.168.56.$([ "$role" = master ] && echo $((10 + index)) || echo $((20 + index)))"
shared=/kubets/.vagrant-cluster
vip=192.168.56.10

yum install -y -q epel-release
curl -fsSL https://rpm.nodesource.com/setup_20.x | bash -
yum install -y -q nodejs
(cd /kubets && npm ci --no-audit --no-fund && npm run build && npm install -g --no-audit --no-fund .)
mkdir -p /etc/kubets
echo "NODE_IP=$ip" > /etc/kubets/kubets.env

cluster=""
for m in $(seq 1 "$masters"); do cluster+="m$m=https://192.168.56.$((10 + m)):2380,"; done
etcd_servers=$(seq -s, 1 "$masters" | sed -E 's/([0-9]+)/https:\/\/192.168.56.1\1:2379/g')
etcd_hosts=$(seq -s, -f '192.168.56.1%g' 1 "$masters")

if [ "$role" = master ]; then
  yum install -y -q etcd haproxy keepalived
  printf 'ETCD_NAME=m%s\nNODE_IP=%s\nETCD_INITIAL_CLUSTER=%s\n' "$index" "$ip" "${cluster%,}" > /etc/kubets/etcd.env
  echo "ETCD_SERVERS=$etcd_servers" >> /etc/kubets/kubets.env
  if [ "$index" = 1 ] && [ ! -d "$shared" ]; then
    # Each node's kubelet has an identity of its own (system:node:nodeN), named after its hostname.
    # etcd's certificates name every member; the encryption config's key is shared by every apiserver.
    node /kubets/dist/cli/main.js certs --data-dir "$shared" --server "$vip:8443" --hosts "$vip,192.168.56.11,192.168.56.12,192.168.56.13" \
      --etcd-hosts "$etcd_hosts" --nodes "$(seq -s, -f 'node%g' 1 "$nodes")"
  fi
  cp -r "$shared"/. /etc/kubets/
  cp /kubets/deploy/ha/haproxy.cfg /etc/haproxy/haproxy.cfg
  sed -e "s/state MASTER/state $([ "$index" = 1 ] && echo MASTER || echo BACKUP)/" \
      -e "s/priority 101/priority $((102 - index))/" /kubets/deploy/ha/keepalived.conf > /etc/keepalived/keepalived.conf
  cp /kubets/deploy/systemd/{etcd,kubets-apiserver,kubets-scheduler,kubets-controller-manager}.service /etc/systemd/system/
  systemctl daemon-reload
  systemctl enable --now etcd haproxy keepalived kubets-apiserver kubets-scheduler kubets-controller-manager
else
  yum install -y -q docker iptables
  systemctl enable --now docker
  cp "$shared"/{ca.crt,proxy.conf} /etc/kubets/
  cp "$shared/kubelet-node$index.conf" /etc/kubets/kubelet.conf
  mkdir -p /etc/kubets/manifests
  cp /kubets/deploy/systemd/{kubets-kubelet,kubets-proxy}.service /etc/systemd/system/
  systemctl daemon-reload
  systemctl enable --now kubets-kubelet kubets-proxy
fi
