import type { Command } from 'commander';
import { addGlobalOptions } from '../flags.js';
import { inherit } from '../lazy-command.js';
import { defaultDeps, type VerbDeps } from '../verb.js';
import { apiResourcesCommand } from './api-resources.js';
import { applyCommand } from './apply.js';
import { autoscaleCommand } from './autoscale.js';
import { clusterInfoCommand } from './cluster-info.js';
import { createCommand } from './create.js';
import { deleteCommand } from './delete.js';
import { describeCommand } from './describe.js';
import { editCommand } from './edit.js';
import { execCommand } from './exec.js';
import { explainCommand } from './explain.js';
import { getCommand } from './get.js';
import { annotateCommand, labelCommand } from './label.js';
import { logsCommand } from './logs.js';
import { rollingUpdateCommand } from './rolling-update.js';
import { rolloutCommand } from './rollout.js';
import { scaleCommand } from './scale.js';
import { versionCommand } from './version.js';

/** kubectl's client verbs and global flags, registered on the kubets program. */
export function registerClientCommands(program: Command, deps: VerbDeps = defaultDeps): Command {
  addGlobalOptions(program);
  const verbs = [
    getCommand,
    describeCommand,
    createCommand,
    applyCommand,
    deleteCommand,
    editCommand,
    labelCommand,
    annotateCommand,
    scaleCommand,
    autoscaleCommand,
    rolloutCommand,
    rollingUpdateCommand,
    logsCommand,
    execCommand,
    apiResourcesCommand,
    versionCommand,
    clusterInfoCommand,
    explainCommand,
  ];
  for (const make of verbs) program.addCommand(inherit(make(deps), program));
  return program;
}
