import { hostname } from 'node:os';
import { Command } from 'commander';
import { ensureClusterFiles } from './cluster-files.js';

const list = (value: string): string[] => value.split(',').map((s) => s.trim()).filter(Boolean);

/** `kubets certs`: the CA, certificates, tokens and client configs of a cluster, made once into a directory. */
export function certsCommand(): Command {
  return new Command('certs')
    .description('Create (once) the cluster CA, apiserver certificates, component tokens and client configs')
    .requiredOption('--data-dir <dir>', 'directory to write pki/, tokens.csv and <component>.conf into')
    .option('--server <host:port...>', 'apiserver address(es) the client configs point at', ['127.0.0.1:6443'])
    .option('--hosts <list>', 'extra names and IPs for the apiserver certificate (comma-separated)', list, [])
    .option('--nodes <list>', 'node names to make kubelet identities for (system:node:<name>, comma-separated)', list, [hostname().toLowerCase()])
    .action(async (o: { dataDir: string; server: string[]; hosts: string[]; nodes: string[] }) => {
      const files = await ensureClusterFiles(o.dataDir, { servers: o.server, hosts: ['127.0.0.1', 'localhost', ...o.hosts], nodes: o.nodes });
      const configs = [...Object.values(files.configs), ...Object.values(files.kubeletConfigs)];
      process.stdout.write(`cluster files in ${files.dataDir}: CA ${files.caFile}, tokens ${files.tokenFile}, client configs ${configs.join(', ')}\n`);
    });
}
