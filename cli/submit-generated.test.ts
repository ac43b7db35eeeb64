import { describe, expect, it } from 'vitest';
import { runVerb } from './testing/run-verb.js';

describe('--dry-run=client -o yaml of a generator verb', () => {
  it("prints what kubectl prints: creationTimestamp null, the namespace only when -n names it", async () => {
    const args = ['create', 'configmap', 'dd', '--from-literal=a=b', '--dry-run=client', '-o', 'yaml'];
    expect((await runVerb(args, {})).stdout).toBe('apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: dd\n');
    expect((await runVerb(['-n', 'team', ...args], {})).stdout).toBe(
      'apiVersion: v1\ndata:\n  a: b\nkind: ConfigMap\nmetadata:\n  creationTimestamp: null\n  name: dd\n  namespace: team\n',
    );
  });
});
