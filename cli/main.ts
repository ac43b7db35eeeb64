#!/usr/bin/env node
import { CLUSTER_COMMANDS, DAEMON_COMMANDS } from './external-commands.js';
import { runKubets } from './program.js';

// `kubets` run from the sources (tsx cli/main.ts ...). The build replaces tsc's output of this
// file with cli/launcher.ts bundled (scripts/bundle-cli.mjs).
runKubets({ daemons: DAEMON_COMMANDS, cluster: CLUSTER_COMMANDS });
