import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { Command } from 'commander';
import type { Pod, Service } from '../../lib/api/generated/index.js';
import type { ApiClient } from '../../lib/client/client.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { resolveType } from '../resource-args.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';
import { resolvePod } from './logs.js';

// kubectl port-forward: local listeners whose connections each become one PortForward stream to
// the pod (through the apiserver and the pod's kubelet). For a Service, the remote port is the
// Service's port, translated to its target port as kubectl does.

interface PortForwardFlags {
  address: string[];
}

export interface PortMapping {
  /** 0: a free port chosen at listen time. */
  local: number;
  remote: number | string;
}

function portNumber(text: string, spec: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 0 || n > 65535) throw new CliError(`Error parsing local port '${text}': must be a number between 0 and 65535 (in "${spec}")`);
  return n;
}

/** `8080:80`, `80` (same port both sides) or `:80` (any free local port). */
export function parsePortMapping(spec: string): PortMapping {
  const parts = spec.split(':');
  if (parts.length > 2) throw new CliError(`invalid port format '${spec}'`);
  const [local = '', remote = local] = parts.length === 1 ? [spec, spec] : parts;
  if (remote === '') throw new CliError(`remote port cannot be empty in '${spec}'`);
  const remotePort: number | string = /^\d+$/.test(remote) ? portNumber(remote, spec) : remote;
  if (remotePort === 0) throw new CliError(`remote port cannot be zero in '${spec}'`);
  return { local: local === '' ? 0 : portNumber(local, spec), remote: remotePort };
}

/** A named port (or a Service's port) as the container port of the pod. */
export function containerPort(pod: Pod, remote: number | string, service?: Service): number {
  let target: number | string = remote;
  if (service) {
    const port = (service.spec?.ports ?? []).find((p) => p.port === remote || p.name === remote);
    if (!port) throw new CliError(`Service ${service.metadata?.name} does not have a service port ${remote}`);
    target = port.targetPort?.intVal ?? port.targetPort?.strVal ?? port.port ?? 0;
  }
  if (typeof target === 'number') return target;
  for (const c of pod.spec?.containers ?? []) {
    const named = (c.ports ?? []).find((p) => p.name === target);
    if (named?.containerPort) return named.containerPort;
  }
  throw new CliError(`Pod '${pod.metadata?.name}' does not have a named port '${target}'`);
}

/** kubectl's --address: names and IPs to listen on; `localhost` means both loopback addresses. */
function listenAddresses(flags: string[]): string[] {
  const out = new Set<string>();
  for (const entry of flags.flatMap((f) => f.split(','))) {
    if (entry === 'localhost') {
      out.add('127.0.0.1');
      out.add('::1');
    } else if (entry) out.add(entry);
  }
  return [...out];
}

async function listen(host: string, port: number, onConnection: (socket: Socket) => void): Promise<Server | undefined> {
  const server = createServer({ allowHalfOpen: true }, onConnection);
  server.listen({ host, port, ipv6Only: host.includes(':') });
  try {
    await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err))]);
    return server;
  } catch (err) {
    server.close();
    // kubectl tolerates a missing IPv6 loopback as long as one address works.
    if (host === '::1') return undefined;
    throw new CliError(`Unable to listen on port ${port}: ${(err as Error).message}`);
  }
}

function forward(ctx: CliContext, client: ApiClient, pod: Pod, local: number, remote: number, socket: Socket): void {
  ctx.out(`Handling connection for ${local}\n`);
  client
    .portForward({ namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', port: remote })
    .then((stream) => {
      socket.pipe(stream);
      stream.pipe(socket);
      stream.on('error', (err: Error) => {
        ctx.err(`E ${new Date().toISOString()} error copying from remote stream to local connection: ${err.message}\n`);
        socket.destroy();
      });
      socket.on('error', () => stream.destroy());
    })
    .catch((err: Error) => {
      ctx.err(`E ${new Date().toISOString()} an error occurred forwarding ${local} -> ${remote}: ${err.message}\n`);
      socket.destroy();
    });
}

async function runPortForward(ctx: CliContext, target: string, specs: string[], flags: PortForwardFlags): Promise<number> {
  if (specs.length === 0) throw new CliError('TYPE/NAME and list of ports are required for port-forward');
  const mappings = specs.map(parsePortMapping);
  const client = await ctx.client();
  const slash = target.indexOf('/');
  const service = slash > 0 && resolveType(target.slice(0, slash)).field === 'service'
    ? await client.resource('service').get(await ctx.namespace(), target.slice(slash + 1))
    : undefined;
  const pod = await resolvePod(ctx, target);
  if (pod.status?.phase !== 'Running') throw new CliError(`unable to forward port because pod is not running. Current status=${pod.status?.phase ?? 'Unknown'}`);
  const servers: Server[] = [];
  for (const mapping of mappings) {
    const remote = containerPort(pod, mapping.remote, service);
    let local = mapping.local;
    for (const host of listenAddresses(flags.address)) {
      const server = await listen(host, local, (socket) => forward(ctx, client, pod, local, remote, socket));
      if (!server) continue;
      servers.push(server);
      local = (server.address() as AddressInfo).port;
      ctx.out(`Forwarding from ${host.includes(':') ? `[${host}]` : host}:${local} -> ${remote}\n`);
    }
  }
  const signal = ctx.io.signal;
  await new Promise<void>((resolve) => {
    if (!signal) return;
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  for (const server of servers) server.close();
  return 0;
}

export function portForwardCommand(deps: VerbDeps = defaultDeps): Command {
  return new Command('port-forward')
    .description('Forward one or more local ports to a pod')
    .argument('<target>', 'POD, TYPE/NAME (pod, service, deployment, replicaset, replicationcontroller)')
    .argument('[ports...]', '[LOCAL_PORT:]REMOTE_PORT ...')
    .option('--address <addresses>', 'addresses to listen on (comma-separated); localhost means 127.0.0.1 and ::1', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .action(
      verbAction(deps, (ctx, args, cmd) => {
        const flags = cmd.opts<PortForwardFlags>();
        return runPortForward(ctx, args[0] as string, args[1] as string[], { address: flags.address.length > 0 ? flags.address : ['localhost'] });
      }),
    );
}
