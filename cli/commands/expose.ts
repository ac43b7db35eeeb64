import { Command } from 'commander';
import type { Container, LabelSelector, Service, ServicePort } from '../../lib/api/generated/index.js';
import { resourceByField, type AnyObject, type EnvelopeField } from '../../lib/api/resources.js';
import { integer } from '../../lib/flags.js';
import type { CliContext } from '../context.js';
import { CliError } from '../errors.js';
import { keyValues } from '../key-values.js';
import { resolveTargets } from '../targets.js';
import { submitGenerated } from '../submit-generated.js';
import { addWriteOptions, type WriteFlags } from '../write-output.js';
import { defaultDeps, verbAction, type VerbDeps } from '../verb.js';

// kubectl expose: a Service in front of a pod, a replication controller, a ReplicaSet, a
// Deployment or another Service, its selector and ports read from that object unless given.

interface ExposeFlags extends WriteFlags {
  port?: number;
  targetPort?: string;
  name?: string;
  type?: string;
  protocol?: string;
  selector?: string;
  labels?: string;
  externalIp?: string;
  clusterIp?: string;
  sessionAffinity?: string;
}

const EXPOSABLE: readonly EnvelopeField[] = ['pod', 'service', 'replicationController', 'replicaSet', 'deployment'];
const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'];

type Exposable = AnyObject & { spec?: { selector?: unknown; ports?: ServicePort[]; containers?: Container[]; template?: { spec?: { containers?: Container[] } } } };

/** The selector of the exposed object as a map; set-based selectors cannot become a Service's. */
function introspectSelector(field: EnvelopeField, object: Exposable): Record<string, string> {
  if (field === 'pod') return object.metadata?.labels ?? {};
  if (field === 'service' || field === 'replicationController') return (object.spec?.selector as Record<string, string> | undefined) ?? {};
  const selector = object.spec?.selector as LabelSelector | undefined;
  if (selector?.matchExpressions?.length) {
    throw new CliError(`couldn't convert expressions - "${JSON.stringify(selector.matchExpressions)}" to map-based selector format`);
  }
  return selector?.matchLabels ?? {};
}

/** The ports the exposed object declares, as Service ports (kubectl names several `port-1`, `port-2`...). */
function introspectPorts(field: EnvelopeField, object: Exposable): ServicePort[] {
  if (field === 'service') return (object.spec?.ports ?? []).map(({ nodePort: _omit, ...p }) => p);
  const containers = field === 'pod' ? object.spec?.containers : object.spec?.template?.spec?.containers;
  const ports = (containers ?? []).flatMap((c) => c.ports ?? []);
  return ports.map((p, i) => ({
    ...(ports.length > 1 ? { name: `port-${i + 1}` } : {}),
    protocol: p.protocol || 'TCP',
    port: p.containerPort ?? 0,
    targetPort: { intVal: p.containerPort ?? 0 },
  }));
}

function targetPortOf(flag: string): { intVal: number } | { strVal: string } {
  return /^\d+$/.test(flag) ? { intVal: Number(flag) } : { strVal: flag };
}

async function runExpose(ctx: CliContext, args: string[], flags: ExposeFlags): Promise<number> {
  const { targets } = await resolveTargets(ctx, args, { verb: 'expose', filename: [] });
  if (targets.length !== 1) throw new CliError('expose needs exactly one resource: TYPE NAME or TYPE/NAME');
  const target = targets[0]!;
  if (!EXPOSABLE.includes(target.info.field)) throw new CliError(`cannot expose a ${target.info.kind}`);
  if (flags.type && !SERVICE_TYPES.includes(flags.type)) throw new CliError(`invalid service type: ${flags.type}, supported: ${SERVICE_TYPES.join(', ')}`);
  const object = (await (await ctx.client()).resource(target.info.field).get(target.namespace, target.name)) as Exposable;
  const selector = flags.selector ? keyValues(flags.selector.split(','), 'selector') : introspectSelector(target.info.field, object);
  if (Object.keys(selector).length === 0) {
    throw new CliError(`couldn't retrieve selectors via --selector flag or introspection: the ${target.info.kind} has no selector, therefore cannot be exposed`);
  }
  let ports: ServicePort[] =
    flags.port !== undefined
      ? [{ protocol: flags.protocol ?? 'TCP', port: flags.port, targetPort: flags.targetPort ? targetPortOf(flags.targetPort) : { intVal: flags.port } }]
      : introspectPorts(target.info.field, object);
  if (ports.length === 0) throw new CliError("couldn't find port via --port flag or introspection");
  if (flags.port === undefined && (flags.targetPort || flags.protocol)) {
    ports = ports.map((p) => ({ ...p, ...(flags.protocol ? { protocol: flags.protocol } : {}), ...(flags.targetPort ? { targetPort: targetPortOf(flags.targetPort) } : {}) }));
  }
  const labels = flags.labels ? keyValues(flags.labels.split(','), 'label') : object.metadata?.labels;
  const service: Service = {
    metadata: { name: flags.name ?? target.name, ...(labels && Object.keys(labels).length > 0 ? { labels } : {}) },
    spec: {
      selector,
      ports,
      ...(flags.type ? { type: flags.type } : {}),
      ...(flags.externalIp ? { externalIPs: [flags.externalIp] } : {}),
      ...(flags.clusterIp ? { clusterIP: flags.clusterIp } : {}),
      ...(flags.sessionAffinity ? { sessionAffinity: flags.sessionAffinity } : {}),
    },
  };
  await submitGenerated(ctx, resourceByField('service'), service, flags, { done: 'exposed' });
  return 0;
}

export function exposeCommand(deps: VerbDeps = defaultDeps): Command {
  return addWriteOptions(
    new Command('expose')
      .description('Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service')
      .argument('[resource...]', 'TYPE NAME or TYPE/NAME')
      .option('--port <port>', 'the port the service serves on (default: the ports the resource declares)', integer)
      .option('--target-port <port>', "the container port (number or name) traffic goes to (default: --port)")
      .option('--name <name>', 'the service\'s name (default: the resource\'s)')
      .option('--type <type>', 'ClusterIP, NodePort, LoadBalancer or ExternalName (default ClusterIP)')
      .option('--protocol <protocol>', 'TCP, UDP or SCTP (default TCP)')
      .option('--selector <selector>', "the service's selector, a=b,c=d (default: the resource's)")
      .option('-l, --labels <labels>', "labels for the service (default: the resource's)")
      .option('--external-ip <ip>', 'an external IP address the service also answers on')
      .option('--cluster-ip <ip>', 'the ClusterIP to ask for ("None" for a headless service)')
      .option('--session-affinity <affinity>', 'None or ClientIP'),
  ).action(verbAction(deps, (ctx, args, cmd) => runExpose(ctx, args[0] as string[], cmd.opts<ExposeFlags>())));
}
