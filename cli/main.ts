#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { apiserverCommand } from '../services/apiserver/command.js';
import { schedulerCommand } from '../services/scheduler/command.js';
import { proxyCommand } from '../services/proxy/command.js';
import { controllerManagerCommand } from '../services/controller-manager/command.js';
import { kubeletCommand } from '../services/kubelet/command.js';
import { registerClientCommands } from './commands/index.js';
import { certsCommand } from './up/certs-command.js';
import { downCommand, upCommand } from './up/up-command.js';
import { VERSION } from '../lib/version.js';

// One binary, subcommands for each daemon and kubectl's verbs for users (README, What runs).
function buildProgram(): Command {
  const program = new Command('kubets')
    .description('kubets: a small Kubernetes-style container orchestrator')
    .version(VERSION, '--client-version', 'print the client version')
    .showSuggestionAfterError(true)
    .exitOverride();
  program.addCommand(apiserverCommand());
  program.addCommand(schedulerCommand());
  program.addCommand(proxyCommand());
  program.addCommand(controllerManagerCommand());
  program.addCommand(kubeletCommand());
  registerClientCommands(program);
  program.addCommand(certsCommand());
  program.addCommand(upCommand());
  program.addCommand(downCommand());
  return program;
}

/** Errors reach users as one line, never as a stack trace. */
function fail(err: unknown): never {
  if (err instanceof CommanderError) process.exit(err.exitCode);
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(message.startsWith('error:') ? `${message}\n` : `error: ${message}\n`);
  process.exit(1);
}

buildProgram().parseAsync(process.argv).catch(fail);
