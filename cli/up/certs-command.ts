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
    .action(async (o: { dataDir: string; server: string[]; hosts: string[] }) => {
      const files = await ensureClusterFiles(o.dataDir, { servers: o.server, hosts: ['127.0.0.1', 'localhost', ...o.hosts] });
      process.stdout.write(`cluster files in ${files.dataDir}: CA ${files.caFile}, tokens ${files.tokenFile}, client configs ${Object.values(files.configs).join(', ')}\n`);
    });
}
