import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { runVerb } from '../testing/run-verb.js';

const api = useFakeApiServer();
const run = (...argv: string[]) => runVerb(argv, { client: api.client });
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubets-diff-test-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function manifest(replicas: number): string {
  const path = join(dir, `web-${replicas}.yaml`);
  writeFileSync(
    path,
    `apiVersion: v1\nkind: ReplicationController\nmetadata:\n  name: web\nspec:\n  replicas: ${replicas}\n  selector:\n    app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n`,
  );
  return path;
}

describe('apply --dry-run and diff', () => {
  it('dry-runs an apply without storing anything', async () => {
    expect((await run('apply', '-f', manifest(1), '--dry-run=server')).stdout).toBe('replicationcontroller/web created (server dry run)\n');
    expect((await run('apply', '-f', manifest(1), '--dry-run=client')).stdout).toBe('replicationcontroller/web created (dry run)\n');
    expect(api.fake.stored('replicationController', 'default', 'web')).toBeUndefined();
    expect((await run('apply', '-f', manifest(1))).stdout).toBe('replicationcontroller/web created\n');
    expect((await run('apply', '-f', manifest(3), '--dry-run=server')).stdout).toBe('replicationcontroller/web configured (server dry run)\n');
    expect(api.fake.stored('replicationController', 'default', 'web')?.spec?.replicas).toBe(1);
  });

  it('shows what apply would change as a unified diff, exit 1 with differences and 0 without', async () => {
    const created = await run('diff', '-f', manifest(1));
    expect(created.code).toBe(1);
    expect(created.stdout).toMatch(/^diff -u -N .*LIVE\/v1\.ReplicationController\.default\.web .*MERGED\/v1\.ReplicationController\.default\.web/m);
    expect(created.stdout).toContain('+  replicas: 1\n');
    await run('apply', '-f', manifest(1));
    expect(await run('diff', '-f', manifest(1))).toEqual({ stdout: '', stderr: '', code: 0 });
    const scaled = await run('diff', '-f', manifest(3));
    expect(scaled.code).toBe(1);
    expect(scaled.stdout).toContain('-  replicas: 1\n');
    expect(scaled.stdout).toContain('+  replicas: 3\n');
    expect(api.fake.stored('replicationController', 'default', 'web')?.spec?.replicas).toBe(1);
    expect((await run('diff')).stderr).toBe('error: must provide one or more resources with -f\n');
  });
});
