import type { Command } from 'commander';
import { collectWhole } from '../lib/flags.js';

// The global flags every verb shares (the value parsers are in lib/flags.ts).

/** kubectl's global flags, on the program so that they work before or after the verb. */
export function addGlobalOptions(program: Command): Command {
  return program
    .option('-s, --server <address>', 'the address and port of the apiserver (host:port or https://host:port; comma-separated for several)')
    .option('--token <token>', 'bearer token for authentication to the apiserver')
    .option('--certificate-authority <file>', 'path to a CA certificate file for the apiserver')
    .option('--kubeconfig <file>', 'path to the client config file (default $KUBETS_CONFIG or ~/.kubets/config)')
    .option('--context <name>', 'the client config context to use')
    .option('-n, --namespace <namespace>', 'the namespace scope for this request')
    .option('--as <user>', 'user to impersonate for the operation (needs the impersonate verb)')
    .option('--as-group <group>', 'group to impersonate for the operation, repeatable', collectWhole, []);
}
