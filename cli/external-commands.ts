import type { Command } from 'commander';

// The subcommands whose code is not part of the client: the daemons and the local-cluster
// commands. Each loads its code only when it runs, so a verb starts without it; the built CLI
// leaves that code out of its bundle and imports tsc's output in dist/ (scripts/bundle-cli.mjs),
// which is why these imports live in an ES module of their own, next to the entry points.

export interface ExternalCommand {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const DAEMON_COMMANDS: readonly ExternalCommand[] = [
  { name: 'apiserver', summary: 'Run the API server', load: async () => (await import('../services/apiserver/index.js')).apiserverCommand() },
  { name: 'scheduler', summary: 'Run the scheduler', load: async () => (await import('../services/scheduler/index.js')).schedulerCommand() },
  { name: 'proxy', summary: 'Run the per-host proxy and cluster DNS', load: async () => (await import('../services/proxy/index.js')).proxyCommand() },
  { name: 'controller-manager', summary: 'Run the controllers', load: async () => (await import('../services/controller-manager/index.js')).controllerManagerCommand() },
  { name: 'kubelet', summary: 'Run the node agent', load: async () => (await import('../services/kubelet/index.js')).kubeletCommand() },
  { name: 'ingress-controller', summary: 'Run the ingress controller (HAProxy)', load: async () => (await import('../services/ingress-controller/index.js')).ingressControllerCommand() },
  { name: 'prometheus-discovery', summary: "Serve Prometheus' service discovery from the API", load: async () => (await import('../services/prometheus-discovery/index.js')).prometheusDiscoveryCommand() },
  { name: 'log-shipper', summary: "Ship a node's pod logs to systemd-journal-remote", load: async () => (await import('../services/log-shipper/index.js')).logShipperCommand() },
];

export const CLUSTER_COMMANDS: readonly ExternalCommand[] = [
  { name: 'certs', summary: 'Create the cluster CA, certificates, tokens and client configs', load: async () => (await import('./up/certs-command.js')).certsCommand() },
  { name: 'up', summary: 'Run a whole local cluster', load: async () => (await import('./up/up-command.js')).upCommand() },
  { name: 'down', summary: 'Stop a cluster started with kubets up --detach', load: async () => (await import('./up/up-command.js')).downCommand() },
  { name: 'completion', summary: 'Output shell completion code for bash or zsh', load: async () => (await import('./completion/completion-command.js')).completionCommand() },
  { name: 'join', summary: 'Join this machine to a cluster as a node (bootstrap token, CA pinned by hash)', load: async () => (await import('./join/join-command.js')).joinCommand() },
];

/** The daemon `argv` (process.argv) runs, if its first argument names one. */
export function daemonIn(argv: readonly string[]): ExternalCommand | undefined {
  return DAEMON_COMMANDS.find((command) => command.name === argv[2]);
}

/** Runs a daemon's command line without the client's code (cli/daemon-program.ts). */
export async function runDaemon(daemon: ExternalCommand): Promise<void> {
  (await import('./daemon-program.js')).runDaemon(daemon);
}
