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

/**
 * kubectl prints a LimitRange's rows of one type in the order Go iterates the resource map, which
 * changes from run to run; rows of one type are compared as a set.
 */
function inLimitRowOrder(text: string): string {
  const lines = text.split('\n');
  const typeOf = (line: string) => /^\s*(Container|Pod|PersistentVolumeClaim)\s{2,}/.exec(line)?.[1];
  for (let i = 0; i < lines.length; ) {
    const type = typeOf(lines[i]!);
    let end = i + 1;
    while (type && end < lines.length && typeOf(lines[end]!) === type) end++;
    lines.splice(i, end - i, ...lines.slice(i, end).sort());
    i = end;
  }
  return lines.join('\n');
}

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
    expect(inLimitRowOrder(got.stdout)).toBe(inLimitRowOrder(expected));
  });
});
