import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runVerb } from '../../../cli/testing/run-verb.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { kubectlOk, requireKubectl, writeKubeconfig } from './rest-helpers.js';

// `kubets describe` against the real kubectl 1.32's describe of the same objects on the same
// apiserver (kubectl over the HTTP API): every line the same.

const manifest = readFileSync(join(import.meta.dirname, 'describe-objects.yaml'), 'utf8');

const targets = [
  'namespace/team',
  'namespace/default',
  'endpoints/ep1',
  'endpointslice/es1',
  'lease/lease1',
  'priorityclass/high',
  'daemonset/ds1',
  'statefulset/ss1',
  'controllerrevision/cr1',
  'ingressclass/ic1',
  'ingress/ing1',
  'role/r1',
  'clusterrole/cr-e1',
  'clusterrole/system:node',
  'rolebinding/rb1',
  'clusterrolebinding/crb-e1',
  'resourcequota/q1 -n team',
  'limitrange/lr1 -n team',
];

describe('kubets describe prints what kubectl 1.32 prints', () => {
  const f = useControlPlane();
  let config: string;
  beforeAll(async () => {
    requireKubectl();
    config = writeKubeconfig(f.cp, 'admin');
    await kubectlOk(config, ['create', '-f', '-'], manifest);
  });

  it.each(targets)('describe %s', async (target) => {
    const args = ['describe', ...target.split(' ')];
    const expected = await kubectlOk(config, args);
    const got = await runVerb(args, { client: f.client });
    expect(got.stderr).toBe('');
    expect(got.stdout).toBe(expected);
  });
});
