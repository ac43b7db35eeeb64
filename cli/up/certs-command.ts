import { hostname } from 'node:os';
import { Command } from 'commander';
import { ensureClusterFiles } from './cluster-files.js';
import { parseRegistryAddress, prepareRegistry, registryAt } from './registry.js';

const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

/** `kubets certs`: the CA, certificates, tokens and client configs of a cluster, made once into a directory. */
export function certsCommand(): Command {
  return new Command('certs')
    .description("Create (once) the cluster CA, apiserver certificates, etcd's CA and certificates, the encryption config for Secrets, component tokens and client configs")
    .requiredOption('--data-dir <dir>', 'directory to write pki/, tokens.csv and <component>.conf into')
    // The program's global -s/--server reads this flag wherever it stands: declared here for the help, read from both.
    .option('-s, --server <host:port>', 'apiserver address(es) the client configs point at (comma-separated; default 127.0.0.1:6443)')
    .option('--hosts <list>', 'extra names and IPs for the apiserver certificate (comma-separated)', list, [])
    .option('--etcd-hosts <list>', "every etcd member's IPs and names, for etcd's serving and peer certificates (comma-separated; localhost and 127.0.0.1 are always in them)", list, [])
    .option('--registry <ip:port>', "also the cluster image registry's serving certificate (pki/registry.crt) and docker-registry configuration (registry/config.yml) for this address")
    .option('--registry-storage <dir>', "where that registry keeps its blobs (default: registry/data in --data-dir)")
    .option('--nodes <list>', 'node names to make kubelet and proxy identities for (system:node:<name>, system:kube-proxy:<name>; comma-separated)', list, [hostname().toLowerCase()])
    .action(async (o: { dataDir: string; hosts: string[]; etcdHosts: string[]; nodes: string[]; registry?: string; registryStorage?: string }, cmd: Command) => {
      const server = (cmd.optsWithGlobals() as { server?: string }).server;
      const servers = server ? list(server) : ['127.0.0.1:6443'];
      const files = await ensureClusterFiles(o.dataDir, { servers, hosts: ['127.0.0.1', 'localhost', ...o.hosts], nodes: o.nodes, etcdHosts: o.etcdHosts });
      const configs = [...Object.values(files.configs), ...Object.values(files.kubeletConfigs), ...Object.values(files.proxyConfigs)];
      if (o.registry) {
        const registry = registryAt(o.dataDir, ...parseRegistryAddress(o.registry), o.registryStorage);
        await prepareRegistry(files, registry);
        configs.push(registry.configFile);
      }
      process.stdout.write(
        `cluster files in ${files.dataDir}: CA ${files.caFile}, etcd CA ${files.etcd.caFile}, tokens ${files.tokenFile}, encryption config ${files.encryptionConfig}, client configs ${configs.join(', ')}\n`,
      );
    });
}
