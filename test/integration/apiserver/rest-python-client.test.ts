import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../../lib/paths.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { writeKubeconfig } from './rest-helpers.js';

// The official Python client (`kubernetes`, Debian's python3-kubernetes, which scripts/setup-host.sh
// installs) over the HTTP API: it lists, creates, reads a missing object and watches.
// Skipped, saying so, where the system python3 lacks the package.

const PYTHON = '/usr/bin/python3';
const hasClient = spawnSync(PYTHON, ['-c', 'import kubernetes'], { stdio: 'ignore' }).status === 0;
const run = promisify(execFile);

describe.skipIf(!hasClient)('the Python kubernetes client over the HTTP API (needs python3-kubernetes)', () => {
  const f = useControlPlane();

  it('lists, creates, reads the Status of a failure and watches', async () => {
    const kubeconfig = writeKubeconfig(f.cp, 'python');
    const { stdout } = await run(PYTHON, [join(projectRoot, 'test/fixtures/python/kubernetes_client.py')], { env: { PATH: process.env.PATH ?? '', HOME: f.cp.dataDir, KUBECONFIG: kubeconfig }, timeout: 60_000 });
    expect(stdout.split('\n')).toEqual([
      'namespaces include default: True',
      "created ConfigMap from-python {'k': 'v'}",
      'read failed 404 Not Found',
      "watched ADDED from-python {'k': 'v'}",
      "watched MODIFIED from-python {'k': 'changed'}",
      '',
    ]);
  });
});
