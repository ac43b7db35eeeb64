import type { Command } from 'commander';
import { Option } from 'commander';
import type { Logger } from 'pino';
import { nonNegativeInt } from '../flags.js';
import { startMetricsServer, type RunningMetricsServer } from './server.js';

/**
 * The default metrics ports, as Kubernetes numbers its components' ports: kube-proxy 10249,
 * kube-scheduler 10259, kube-controller-manager 10257, the kubelet's read-only port 10255. The
 * apiserver serves /metrics on its HTTP API behind authorization and has no plain port unless
 * asked (kubets up gives it one).
 */
export const METRICS_PORTS = {
  apiserver: 0,
  scheduler: 10259,
  controllerManager: 10257,
  kubelet: 10255,
  proxy: 10249,
} as const;

export const DEFAULT_METRICS_BIND_ADDRESS = '127.0.0.1';

/** Adds the two metrics flags every daemon takes; --metrics-port=0 turns the endpoint off. */
export function addMetricsOptions(command: Command, defaultPort: number): Command {
  return command
    .addOption(new Option('--metrics-port <port>', 'port to serve Prometheus metrics on (plain HTTP, /metrics); 0 disables').argParser(nonNegativeInt).default(defaultPort))
    .addOption(new Option('--metrics-bind-address <ip>', 'address to serve metrics on').default(DEFAULT_METRICS_BIND_ADDRESS));
}

/** The flags as parsed by commander. */
export interface MetricsFlags {
  metricsPort: number;
  metricsBindAddress: string;
}

/** Starts the endpoint the flags ask for (none for --metrics-port=0). */
export async function serveMetrics(flags: MetricsFlags, log: Logger): Promise<RunningMetricsServer | undefined> {
  if (flags.metricsPort === 0) return undefined;
  return startMetricsServer({ bindAddress: flags.metricsBindAddress, port: flags.metricsPort, log });
}
