import type { Command } from 'commander';
import { addGlobalOptions } from '../flags.js';
import { lazyCommand } from '../lazy-command.js';
import type { VerbDeps } from '../verb.js';

// kubectl's client verbs with their one-line summaries (the full description is in each verb's
// own --help). A verb's code loads only when it runs, so `kubets get` does not pay for `edit`.
const VERBS: ReadonlyArray<[name: string, summary: string, load: (deps?: VerbDeps) => Promise<Command>]> = [
  ['get', 'Display one or many resources', async (d) => (await import('./get.js')).getCommand(d)],
  ['describe', 'Show details of a resource or group of resources', async (d) => (await import('./describe.js')).describeCommand(d)],
  ['create', 'Create resources from files or stdin', async (d) => (await import('./create.js')).createCommand(d)],
  ['run', 'Run a particular image on the cluster', async (d) => (await import('./run.js')).runCommand(d)],
  ['expose', 'Take a replication controller, service, deployment or pod and expose it as a new service', async (d) => (await import('./expose.js')).exposeCommand(d)],
  ['set', 'Set specific features on objects', async (d) => (await import('./set.js')).setCommand(d)],
  ['apply', 'Apply a configuration to resources from files or stdin', async (d) => (await import('./apply.js')).applyCommand(d)],
  ['diff', 'Diff the live version against a would-be applied version', async (d) => (await import('./diff.js')).diffCommand(d)],
  ['delete', 'Delete resources by file names, stdin, resources and names, or label selector', async (d) => (await import('./delete.js')).deleteCommand(d)],
  ['replace', 'Replace a resource by file name or stdin', async (d) => (await import('./replace.js')).replaceCommand(d)],
  ['edit', 'Edit a resource on the server', async (d) => (await import('./edit.js')).editCommand(d)],
  ['label', 'Update the labels on resources', async (d) => (await import('./label.js')).labelCommand(d)],
  ['annotate', 'Update the annotations on resources', async (d) => (await import('./label.js')).annotateCommand(d)],
  ['scale', 'Set a new size for a replication controller, replica set or deployment', async (d) => (await import('./scale.js')).scaleCommand(d)],
  ['patch', 'Update fields of a resource', async (d) => (await import('./patch.js')).patchCommand(d)],
  ['autoscale', 'Auto-scale a replication controller, replica set or deployment', async (d) => (await import('./autoscale.js')).autoscaleCommand(d)],
  ['rollout', 'Manage the rollout of deployments', async (d) => (await import('./rollout.js')).rolloutCommand(d)],
  ['rolling-update', 'Perform a rolling update of a replication controller', async (d) => (await import('./rolling-update.js')).rollingUpdateCommand(d)],
  ['cordon', 'Mark node as unschedulable', async (d) => (await import('./drain.js')).cordonCommand(d)],
  ['uncordon', 'Mark node as schedulable', async (d) => (await import('./drain.js')).uncordonCommand(d)],
  ['drain', 'Drain node in preparation for maintenance', async (d) => (await import('./drain.js')).drainCommand(d)],
  ['taint', 'Update the taints on one or more nodes', async (d) => (await import('./taint.js')).taintCommand(d)],
  ['events', 'List events', async (d) => (await import('./events.js')).eventsCommand(d)],
  ['wait', 'Wait for a specific condition on one or many resources', async (d) => (await import('./wait.js')).waitCommand(d)],
  ['attach', 'Attach to a running container', async (d) => (await import('./exec.js')).attachCommand(d)],
  ['cp', 'Copy files and directories to and from containers', async (d) => (await import('./cp.js')).cpCommand(d)],
  ['port-forward', 'Forward one or more local ports to a pod', async (d) => (await import('./port-forward.js')).portForwardCommand(d)],
  ['logs', 'Print the logs for a container in a pod', async (d) => (await import('./logs.js')).logsCommand(d)],
  ['exec', 'Execute a command in a container', async (d) => (await import('./exec.js')).execCommand(d)],
  ['api-resources', 'Print the supported API resources', async (d) => (await import('./api-resources.js')).apiResourcesCommand(d)],
  ['version', 'Print the client and server version information', async (d) => (await import('./version.js')).versionCommand(d)],
  ['cluster-info', 'Display addresses of the control plane', async (d) => (await import('./cluster-info.js')).clusterInfoCommand(d)],
  ['explain', 'Documentation of resources', async (d) => (await import('./explain.js')).explainCommand(d)],
  ['config', 'View the kubeconfig for kubectl', async (d) => (await import('./config.js')).configCommand(d)],
  ['auth', 'Inspect authorization', async (d) => (await import('./auth.js')).authCommand(d)],
  ['top', 'Display resource (CPU/memory) usage', async (d) => (await import('./top.js')).topCommand(d)],
  ['certificate', 'Modify certificate resources', async (d) => (await import('./certificate.js')).certificateCommand(d)],
  ['token', 'Manage bootstrap tokens for joining nodes', async (d) => (await import('./token.js')).tokenCommand(d)],
  ['api-versions', 'Print the supported API versions on the server, in the form of "group/version"', async (d) => (await import('./api-resources.js')).apiVersionsCommand(d)],
];

/** kubectl's client verbs and global flags, registered on the kubets program (tests pass their own deps). */
export function registerClientCommands(program: Command, deps?: VerbDeps): Command {
  addGlobalOptions(program);
  for (const [name, summary, load] of VERBS) program.addCommand(lazyCommand(name, summary, () => load(deps)));
  return program;
}
