#!/usr/bin/env node
import { Command } from 'commander';
import { registerClientCommands } from './commands/index.js';
import { isCommanderError, useKubectlErrors } from './kubectl-errors.js';
import { helpCommand, inherit, lazyCommand } from './lazy-command.js';
import { VERSION } from '../lib/version.js';
import { buildSchemaOnDemand } from '../lib/api/schema-build.js';

// One binary: a subcommand for each daemon and kubectl's verbs for users. The daemons and the
// local-cluster commands load their code only when they run, so a verb starts without it.
const daemonCommands = [
  lazyCommand('apiserver', 'Run the API server', async () => (await import('../services/apiserver/index.js')).apiserverCommand()),
  lazyCommand('scheduler', 'Run the scheduler', async () => (await import('../services/scheduler/index.js')).schedulerCommand()),
  lazyCommand('proxy', 'Run the per-host proxy and cluster DNS', async () => (await import('../services/proxy/index.js')).proxyCommand()),
  lazyCommand('controller-manager', 'Run the controllers', async () => (await import('../services/controller-manager/index.js')).controllerManagerCommand()),
  lazyCommand('kubelet', 'Run the node agent', async () => (await import('../services/kubelet/index.js')).kubeletCommand()),
  lazyCommand('ingress-controller', 'Run the ingress controller (HAProxy)', async () => (await import('../services/ingress-controller/index.js')).ingressControllerCommand()),
  lazyCommand('prometheus-discovery', "Serve Prometheus' service discovery from the API", async () => (await import('../services/prometheus-discovery/index.js')).prometheusDiscoveryCommand()),
  lazyCommand('log-shipper', "Ship a node's pod logs to systemd-journal-remote", async () => (await import('../services/log-shipper/index.js')).logShipperCommand()),
];

const clusterCommands = [
  lazyCommand('certs', 'Create the cluster CA, certificates, tokens and client configs', async () => (await import('./up/certs-command.js')).certsCommand()),
  lazyCommand('up', 'Run a whole local cluster', async () => (await import('./up/up-command.js')).upCommand()),
  lazyCommand('down', 'Stop a cluster started with kubets up --detach', async () => (await import('./up/up-command.js')).downCommand()),
  lazyCommand('completion', 'Output shell completion code for bash or zsh', async () => (await import('./completion/completion-command.js')).completionCommand()),
  lazyCommand('join', 'Join this machine to a cluster as a node (bootstrap token, CA pinned by hash)', async () => (await import('./join/join-command.js')).joinCommand()),
];

// A client verb lives for one call and reaches a small part of the API schema. The daemons and the
// local-cluster commands are not bundled with this entry point (scripts/bundle-cli.mjs): they import
// their own copy of lib/ and keep building the whole schema, which their code walks.
buildSchemaOnDemand();

function buildProgram(): Command {
  const program = new Command('kubets')
    .description('kubets: a small Kubernetes-style container orchestrator')
    .version(VERSION, '--client-version', 'print the client version')
    .showSuggestionAfterError(true)
    .helpCommand(false)
    .exitOverride();
  useKubectlErrors(program);
  for (const command of daemonCommands) program.addCommand(command);
  registerClientCommands(program);
  for (const command of clusterCommands) program.addCommand(command);
  program.addCommand(inherit(helpCommand(), program));
  return program;
}

/** Errors reach users as one line, never as a stack trace. */
function fail(err: unknown): never {
  if (isCommanderError(err)) process.exit(err.exitCode);
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(message.startsWith('error:') ? `${message}\n` : `error: ${message}\n`);
  process.exit(1);
}

buildProgram().parseAsync(process.argv).catch(fail);
