import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { currentWorkerPid, HAProxyProcess, masterCommand, masterPid } from './haproxy-process.js';
import { DEFAULT_HAPROXY_BINARY } from './options.js';

const SHOW_PROC = `#<PID>          <type>          <reloads>       <uptime>        <version>
4120            master          2 [failed: 0]   0d00h00m09s     2.6.12-1+deb12u4
# workers
4188            worker          0               0d00h00m01s     2.6.12-1+deb12u4
# old workers
4150            worker          1               0d00h00m05s     2.6.12-1+deb12u4
# programs

`;

describe('show proc', () => {
  it('names the master and the current worker, not the old ones', () => {
    expect(masterPid(SHOW_PROC)).toBe(4120);
    expect(currentWorkerPid(SHOW_PROC)).toBe(4188);
    expect(currentWorkerPid('')).toBeUndefined();
  });
});

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function status(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.runIf(existsSync(DEFAULT_HAPROXY_BINARY))('HAProxy in master-worker mode', () => {
  let dir: string | undefined;
  const processes: HAProxyProcess[] = [];
  afterEach(async () => {
    for (const p of processes.splice(0)) await p.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('adopts the HAProxy a previous controller left running, reloads it and can stop it', async () => {
    dir = await mkdtemp(join(tmpdir(), 'haproxy-process-'));
    const port = await freeLoopbackPort();
    const configPath = join(dir, 'haproxy.cfg');
    await writeFile(
      configPath,
      [
        'global',
        `    stats socket ${join(dir, 'admin.sock')} mode 600 level admin expose-fd listeners`,
        'defaults',
        '    mode http',
        '    timeout connect 5s',
        '    timeout client 5s',
        '    timeout server 5s',
        'frontend http',
        `    bind 127.0.0.1:${port}`,
        '    http-request return status 204',
        '',
      ].join('\n'),
    );
    const options = { binary: DEFAULT_HAPROXY_BINARY, configPath, masterSocketPath: join(dir, 'master.sock'), log: pino({ level: 'silent' }) };
    const first = new HAProxyProcess(options);
    processes.push(first);
    await first.start();
    expect(await status(port)).toBe(204);
    const firstWorker = currentWorkerPid(await masterCommand(options.masterSocketPath, 'show proc'));

    const second = new HAProxyProcess(options);
    processes.unshift(second);
    await second.start();
    expect(second.running).toBe(true);
    const secondWorker = currentWorkerPid(await masterCommand(options.masterSocketPath, 'show proc'));
    expect(secondWorker).not.toBe(firstWorker);
    expect(await status(port)).toBe(204);

    await second.stop();
    expect(second.running).toBe(false);
    await expect(status(port)).rejects.toThrow(/ECONNREFUSED/);
  });
});
