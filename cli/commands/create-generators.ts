import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Command } from 'commander';
import type { ConfigMap, Deployment, Namespace, PriorityClass, Secret, Service, ServicePort } from '../../lib/api/generated/index.js';
import { resourceByField } from '../../lib/api/resources.js';
import { boolFlag, collectWhole, integer } from '../../lib/flags.js';
import { goQuote } from '../printers/go-values.js';
import type { CliContext } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { createCronJobCommand, createJobCommand } from './create-batch.js';
import { createServiceAccountCommand, createTokenCommand } from './create-token.js';
import { submitGenerated } from '../submit-generated.js';
import { addWriteOptions, type WriteFlags } from '../write-output.js';
import { createPodDisruptionBudgetCommand } from './create-policy.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// kubectl create's generators: `create namespace|configmap|secret generic|secret tls|secret
// docker-registry|deployment|service clusterip|nodeport|priorityclass NAME [flags]` build the
// object from flags instead of a manifest.

interface DataFlags extends WriteFlags {
  fromLiteral: string[];
  fromFile: string[];
  fromEnvFile: string[];
}

/** --from-file=[key=]path: a file under its base name (or the key), or every regular file of a directory. */
async function fileEntries(spec: string): Promise<[string, Buffer][]> {
  const eq = spec.indexOf('=');
  const [key, path] = eq > 0 ? [spec.slice(0, eq), spec.slice(eq + 1)] : [undefined, spec];
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new CliError(`error reading ${path}: no such file or directory`);
  }
  if (!info.isDirectory()) return [[key ?? basename(path), await readFile(path)]];
  if (key) throw new CliError(`cannot give a key name for a directory path: ${spec}`);
  const out: [string, Buffer][] = [];
  for (const name of (await readdir(path)).sort()) {
    if ((await stat(join(path, name))).isFile()) out.push([name, await readFile(join(path, name))]);
  }
  return out;
}

/** KEY=VALUE lines of an env file; blank lines and # comments skipped, a bare KEY is an error. */
async function envFileEntries(path: string): Promise<[string, Buffer][]> {
  const text = await readFile(path, 'utf8').catch(() => {
    throw new CliError(`error reading ${path}: no such file or directory`);
  });
  const out: [string, Buffer][] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new CliError(`${path}: line ${i + 1}: invalid env line "${line}": expected KEY=VALUE`);
    out.push([trimmed.slice(0, eq), Buffer.from(trimmed.slice(eq + 1))]);
  });
  return out;
}

/** Every key of --from-literal, --from-file and --from-env-file; a key given twice is an error, as in kubectl. */
async function collectData(flags: DataFlags): Promise<Map<string, Buffer>> {
  if (flags.fromEnvFile.length > 0 && (flags.fromFile.length > 0 || flags.fromLiteral.length > 0)) {
    throw new CliError('from-env-file cannot be combined with from-file or from-literal');
  }
  const entries: [string, Buffer][] = [];
  for (const literal of flags.fromLiteral) {
    const eq = literal.indexOf('=');
    if (eq <= 0) throw new CliError(`invalid literal source ${literal}, expected key=value`);
    entries.push([literal.slice(0, eq), Buffer.from(literal.slice(eq + 1))]);
  }
  for (const spec of flags.fromFile) entries.push(...(await fileEntries(spec)));
  for (const path of flags.fromEnvFile) entries.push(...(await envFileEntries(path)));
  const data = new Map<string, Buffer>();
  for (const [key, value] of entries) {
    if (data.has(key)) throw new CliError(`cannot add key ${key}, another key by that name already exists in data`);
    data.set(key, value);
  }
  return data;
}

function dataOptions(command: Command): Command {
  return addWriteOptions(command)
    .option('--from-literal <key=value>', 'a key and its literal value; repeatable', collectWhole, [])
    .option('--from-file <[key=]path>', 'a file (under its name or the key), or every file of a directory; repeatable', collectWhole, [])
    .option('--from-env-file <path>', 'KEY=VALUE lines of a file; repeatable', collectWhole, []);
}

function named(args: unknown[], command: Command): string {
  const name = args[0] as string | undefined;
  if (!name) throw usageError(command, 'exactly one NAME is required, got 0');
  return name;
}

function namespaceCommand(deps: VerbDeps): Command {
  return addWriteOptions(new Command('namespace').alias('ns').description('Create a namespace with the specified name').argument('[name]')).action(
    verbAction(deps, async (ctx, args, cmd) => {
      const namespace: Namespace = { metadata: { name: named(args, cmd) } };
      await submitGenerated(ctx, resourceByField('namespace'), namespace, cmd.opts<WriteFlags>());
    }),
  );
}

function configMapCommand(deps: VerbDeps): Command {
  return dataOptions(new Command('configmap').alias('cm').description('Create a config map from a local file, directory or literal value').argument('[name]')).action(
    verbAction(deps, async (ctx, args, cmd) => {
      const flags = cmd.opts<DataFlags>();
      const data: Record<string, string> = {};
      const binaryData: Record<string, Buffer> = {};
      for (const [key, value] of await collectData(flags)) {
        if (Buffer.from(value.toString('utf8')).equals(value)) data[key] = value.toString('utf8');
        else binaryData[key] = value;
      }
      const configMap: ConfigMap = { metadata: { name: named(args, cmd) }, data, ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}) };
      await submitGenerated(ctx, resourceByField('configMap'), configMap, flags);
    }),
  );
}

function secretGenericCommand(deps: VerbDeps): Command {
  return dataOptions(new Command('generic').description('Create a secret from a local file, directory or literal value').argument('[name]'))
    .option('--type <type>', 'the secret type (the server makes it Opaque)')
    .action(
      verbAction(deps, async (ctx, args, cmd) => {
        const flags = cmd.opts<DataFlags & { type?: string }>();
        const secret: Secret = { metadata: { name: named(args, cmd) }, ...(flags.type ? { type: flags.type } : {}), data: Object.fromEntries(await collectData(flags)) };
        await submitGenerated(ctx, resourceByField('secret'), secret, flags);
      }),
    );
}

function secretTlsCommand(deps: VerbDeps): Command {
  return addWriteOptions(new Command('tls').description('Create a TLS secret').argument('[name]'))
    .option('--cert <path>', 'PEM certificate file')
    .option('--key <path>', 'PEM private key file')
    .action(
      verbAction(deps, async (ctx, args, cmd) => {
        const flags = cmd.opts<WriteFlags & { cert?: string; key?: string }>();
        if (!flags.cert || !flags.key) throw new CliError('--cert and --key must both be given');
        const read = (path: string) => readFile(path).catch(() => Promise.reject(new CliError(`error reading ${path}: no such file or directory`)));
        const secret: Secret = { metadata: { name: named(args, cmd) }, type: 'kubernetes.io/tls', data: { 'tls.crt': await read(flags.cert), 'tls.key': await read(flags.key) } };
        await submitGenerated(ctx, resourceByField('secret'), secret, flags);
      }),
    );
}

/** Where `create secret docker-registry` points without --docker-server: Docker Hub, as kubectl. */
const DOCKER_HUB = 'https://index.docker.io/v1/';

interface DockerRegistryFlags extends WriteFlags {
  dockerServer: string;
  dockerUsername?: string;
  dockerPassword?: string;
  dockerEmail?: string;
}

/** A .dockerconfigjson of one registry, byte for byte as kubectl writes it (Go's field order, empty fields left out). */
export function dockerConfigJSON(server: string, username: string, password: string, email = ''): string {
  const fields: [string, string][] = [
    ['username', username],
    ['password', password],
    ['email', email],
    ['auth', Buffer.from(`${username}:${password}`).toString('base64')],
  ];
  const entry = fields
    .filter(([, value]) => value !== '')
    .map(([key, value]) => `${goQuote(key)}:${goQuote(value)}`)
    .join(',');
  return `{"auths":{${goQuote(server)}:{${entry}}}}`;
}

function secretDockerRegistryCommand(deps: VerbDeps): Command {
  return addWriteOptions(new Command('docker-registry').description('Create a secret for use with a Docker registry').argument('[name]'))
    .option('--docker-server <server>', 'server location for the Docker registry', DOCKER_HUB)
    .option('--docker-username <name>', 'username for Docker registry authentication')
    .option('--docker-password <password>', 'password for Docker registry authentication')
    .option('--docker-email <email>', 'email for the Docker registry')
    .action(
      verbAction(deps, async (ctx, args, cmd) => {
        const flags = cmd.opts<DockerRegistryFlags>();
        const name = named(args, cmd);
        if (!flags.dockerUsername || !flags.dockerPassword) throw new CliError('either --from-file or the combination of --docker-username, --docker-password and --docker-server is required');
        const config = dockerConfigJSON(flags.dockerServer, flags.dockerUsername, flags.dockerPassword, flags.dockerEmail);
        const secret: Secret = { metadata: { name }, type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': Buffer.from(config) } };
        await submitGenerated(ctx, resourceByField('secret'), secret, flags);
      }),
    );
}

function priorityClassCommand(deps: VerbDeps): Command {
  return addWriteOptions(new Command('priorityclass').alias('pc').description('Create a priority class with the specified name').argument('[name]'))
    .option('--value <value>', 'the value of this priority class', integer, 0)
    .addOption(boolFlag('--global-default', 'whether this priority class is the default for pods without one', false))
    .option('--description <text>', 'what this priority class is for', '')
    .option('--preemption-policy <policy>', 'whether its pods may preempt others: PreemptLowerPriority or Never', 'PreemptLowerPriority')
    .action(
      verbAction(deps, async (ctx, args, cmd) => {
        const flags = cmd.opts<WriteFlags & { value: number; globalDefault: boolean; description: string; preemptionPolicy: string }>();
        const priorityClass: PriorityClass = {
          metadata: { name: named(args, cmd) },
          value: flags.value,
          ...(flags.globalDefault ? { globalDefault: true } : {}),
          ...(flags.description ? { description: flags.description } : {}),
          preemptionPolicy: flags.preemptionPolicy,
        };
        await submitGenerated(ctx, resourceByField('priorityClass'), priorityClass, flags);
      }),
    );
}

/** kubectl names a deployment's container after its image: `registry/nginx:1.25` → `nginx`. */
export function containerNameFor(image: string): string {
  const last = image.split('/').pop() ?? image;
  return last.split(/[:@]/)[0]!.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '') || 'container';
}

function deploymentCommand(deps: VerbDeps): Command {
  return addWriteOptions(new Command('deployment').alias('deploy').description('Create a deployment with the specified name').argument('[name-and-command...]'))
    .option('--image <image>', 'the image to run; repeatable for several containers', collectWhole, [])
    .option('-r, --replicas <count>', 'number of replicas', integer, 1)
    .option('--port <port>', 'the port the container exposes', integer)
    .action(
      verbAction(deps, async (ctx, args, cmd) => {
        const [name, ...command] = args[0] as string[];
        if (!name) throw usageError(cmd, 'exactly one NAME is required, got 0');
        const flags = cmd.opts<WriteFlags & { image: string[]; replicas: number; port?: number }>();
        if (flags.image.length === 0) throw new CliError('required flag(s) "image" not set');
        if (command.length > 0 && flags.image.length > 1) throw new CliError('cannot specify multiple --image options and command');
        const labels = { app: name };
        const containers = flags.image.map((image) => ({
          name: containerNameFor(image),
          image,
          ...(command.length > 0 ? { command } : {}),
          ...(flags.port !== undefined ? { ports: [{ containerPort: flags.port }] } : {}),
        }));
        const deployment: Deployment = {
          metadata: { name, labels },
          spec: { replicas: flags.replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers } } },
        };
        await submitGenerated(ctx, resourceByField('deployment'), deployment, flags);
      }),
    );
}

/** --tcp=port[:targetPort], named `port-target` as kubectl names them. */
function tcpPorts(specs: readonly string[], nodePort?: number): ServicePort[] {
  return specs.map((spec) => {
    const [port = '', target = port] = spec.split(':');
    if (!/^\d+$/.test(port) || !/^\d+$/.test(target)) throw new CliError(`invalid --tcp "${spec}": expected port[:targetPort]`);
    return {
      name: `${port}-${target}`,
      protocol: 'TCP',
      port: Number(port),
      targetPort: { intVal: Number(target) },
      ...(nodePort !== undefined ? { nodePort } : {}),
    };
  });
}

function serviceCommand(deps: VerbDeps): Command {
  const typed = (type: 'ClusterIP' | 'NodePort', name: string) => {
    const command = addWriteOptions(new Command(name).description(`Create a ${type} service`).argument('[name]'))
      .option('--tcp <port:targetPort>', 'a port and its target; repeatable', collectWhole, []);
    if (type === 'ClusterIP') command.option('--clusterip <ip>', 'the ClusterIP to ask for ("None" for a headless service)');
    else command.option('--node-port <port>', 'the port on every node', integer);
    return command.action(
      verbAction(deps, async (ctx, args, cmd) => {
        const flags = cmd.opts<WriteFlags & { tcp: string[]; clusterip?: string; nodePort?: number }>();
        const serviceName = named(args, cmd);
        const headless = flags.clusterip === 'None';
        if (flags.tcp.length === 0 && !headless) throw new CliError('at least one --tcp port is required');
        const service: Service = {
          metadata: { name: serviceName, labels: { app: serviceName } },
          spec: {
            type,
            selector: { app: serviceName },
            ports: tcpPorts(flags.tcp, flags.nodePort),
            ...(flags.clusterip ? { clusterIP: flags.clusterip } : {}),
          },
        };
        await submitGenerated(ctx, resourceByField('service'), service, flags);
      }),
    );
  };
  return new Command('service').alias('svc').description('Create a service using a specified subcommand').addCommand(typed('ClusterIP', 'clusterip')).addCommand(typed('NodePort', 'nodeport'));
}

/** The generator subcommands of `kubets create`. */
export function createGenerators(deps: VerbDeps = defaultDeps): Command[] {
  const secret = new Command('secret').description('Create a secret using a specified subcommand').addCommand(secretGenericCommand(deps)).addCommand(secretTlsCommand(deps)).addCommand(secretDockerRegistryCommand(deps));
  return [namespaceCommand(deps), configMapCommand(deps), secret, deploymentCommand(deps), serviceCommand(deps), createJobCommand(deps), createCronJobCommand(deps), createServiceAccountCommand(deps), createTokenCommand(deps), priorityClassCommand(deps), createPodDisruptionBudgetCommand(deps)];
}
