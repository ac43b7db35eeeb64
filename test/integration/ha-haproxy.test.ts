import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlane } from '../harness/control-plane.js';
import { loopbackHaproxyConfig } from '../harness/ha-cluster.js';
import { freePort } from '../harness/ports.js';

// The shipped HAProxy configuration (deploy/ha/haproxy.cfg), with its addresses moved to
// loopback, in front of two real apiservers: a client of the HAProxy port survives one of them
// being stopped.

async function eventually<T>(fn: () => Promise<T>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('HA through HAProxy', () => {
  let cp: ControlPlane;
  let haproxy: ChildProcess;
  let port: number;
  let haproxyFailure = '';

  beforeAll(async () => {
    cp = await startControlPlane({ apiservers: 2 });
    port = await freePort();
    const cfg = join(cp.dataDir, 'haproxy.cfg');
    writeFileSync(cfg, loopbackHaproxyConfig(port, cp.apiservers.map((a) => a.address)));
    haproxy = spawn('haproxy', ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    haproxy.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    haproxy.once('exit', (code) => {
      if (code) haproxyFailure = `haproxy exited with ${code}: ${stderr}`;
    });
  });

  afterAll(async () => {
    haproxy?.kill('SIGTERM');
    await cp?.stop();
  });

  it('serves through the virtual endpoint and fails over when an apiserver stops', async () => {
    const client = cp.client([`127.0.0.1:${port}`]);
    expect(haproxyFailure).toBe('');
    const cms = client.resource('configMap');
    await eventually(() => cms.create({ metadata: { name: 'before', namespace: 'default' }, data: { a: '1' } }), 30_000);
    await cp.apiservers[0]!.stop();
    const after = await eventually(() => cms.create({ metadata: { name: 'after', namespace: 'default' }, data: { b: '2' } }), 30_000);
    expect(after.metadata?.name).toBe('after');
    expect((await cms.get('default', 'before')).data).toEqual({ a: '1' });
  });
});
