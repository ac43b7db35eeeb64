// Builds the local images with scripts/build-images and checks each one's behaviour from the host,
// talking only to containers this test started (on the default bridge).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const buildScript = fileURLToPath(new URL('../../scripts/build-images', import.meta.url));
const label = `io.kubets.test=images-${randomUUID().slice(0, 8)}`;
const ioTimeoutMs = 5_000;

async function dockerUnavailableReason(): Promise<string | undefined> {
  try {
    await run('docker', ['info'], { timeout: 10_000 });
    return undefined;
  } catch (err) {
    const stderr = String((err as { stderr?: unknown }).stderr ?? '').trim();
    const detail = stderr.split('\n').at(-1) || (err as Error).message;
    return `docker info failed (${detail}); start the engine with scripts/start-dockerd.sh`;
  }
}

async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { timeout: 30_000 });
  return stdout.trim();
}

interface Started {
  id: string;
  ip: string;
}

async function startContainer(image: string, opts: { env?: Record<string, string>; hostname?: string; cmd?: string[] } = {}): Promise<Started> {
  const args = ['run', '-d', '--init', '--label', label];
  for (const [k, v] of Object.entries(opts.env ?? {})) args.push('-e', `${k}=${v}`);
  if (opts.hostname) args.push('--hostname', opts.hostname);
  const id = await docker(...args, image, ...(opts.cmd ?? []));
  const ip = await docker('inspect', '-f', '{{.NetworkSettings.IPAddress}}', id);
  return { id, ip };
}

/** Connects, sends `send` (if any), half-closes, and returns everything the server wrote before closing. */
function tcpExchange(host: string, port: number, send = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let data = '';
    socket.setEncoding('utf8');
    socket.setTimeout(ioTimeoutMs, () => socket.destroy(new Error(`no answer from ${host}:${port}`)));
    socket.on('connect', () => socket.end(send));
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('error', reject);
  });
}

/** Retries tcpExchange until the server listens: containers need a moment after `docker run`. */
async function tcpExchangeWhenReady(host: string, port: number, send = ''): Promise<string> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      return await tcpExchange(host, port, send);
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw lastError;
}

function httpGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: ioTimeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/**
 * Stops a container the way a kubelet does and returns its exit code: 0 means it ended on SIGTERM
 * by itself; Docker's SIGKILL after the grace period would leave 137.
 */
async function exitCodeOnStop(id: string): Promise<string> {
  await docker('stop', '-t', '20', id);
  return docker('inspect', '-f', '{{.State.ExitCode}}', id);
}

const unavailable = await dockerUnavailableReason();
if (unavailable) console.warn(`images.test.ts skipped: ${unavailable}`);

describe.skipIf(unavailable !== undefined)(`local images${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  beforeAll(async () => {
    try {
      await run(buildScript, [], { timeout: 30_000 });
    } catch (err) {
      const { stdout, stderr } = err as { stdout?: string; stderr?: string };
      throw new Error(`scripts/build-images failed:\n${stdout ?? ''}${stderr ?? ''}`, { cause: err });
    }
  });

  afterAll(async () => {
    const ids = (await docker('ps', '-aq', '--filter', `label=${label}`)).split('\n').filter(Boolean);
    if (ids.length > 0) await docker('rm', '-f', ...ids);
  });

  it('build-images is idempotent: a second run finds every image present', async () => {
    const { stdout } = await run(buildScript, [], { timeout: 30_000 });
    for (const tag of ['kubets/pause:3.9', 'kubets/busybox:1.36', 'kubets/hostname:v1', 'kubeguide/tomcat-app:v1', 'kubets/mysql:5.7', 'mysql:5.7']) {
      expect(stdout).toContain(`images: ${tag} present`);
    }
    expect(stdout).not.toContain('building');
  });

  it('pause sleeps until TERM and then exits 0 by itself', async () => {
    const pause = await startContainer('kubets/pause:3.9');
    expect(await docker('inspect', '-f', '{{.State.Running}}', pause.id)).toBe('true');
    expect(await exitCodeOnStop(pause.id)).toBe('0');
  });

  it('busybox runs a shell command', async () => {
    expect(await docker('run', '--rm', '--label', label, 'kubets/busybox:1.36', 'sh', '-c', 'echo hello from $(basename $(readlink /bin/sh))')).toBe(
      'hello from busybox',
    );
  });

  it('hostname answers raw TCP, HTTP (host and busybox wget) and many connections at once', async () => {
    const backend = await startContainer('kubets/hostname:v1', { hostname: 'backend-a' });
    expect(await tcpExchangeWhenReady(backend.ip, 8080)).toBe('backend-a\n');
    expect(await tcpExchange(backend.ip, 8080, 'hello\n')).toBe('backend-a\n');

    const page = await httpGet(`http://${backend.ip}:8080/`);
    expect(page).toEqual({ status: 200, body: 'backend-a\n' });

    const wget = await docker('run', '--rm', '--label', label, 'kubets/busybox:1.36', 'wget', '-qO-', `http://${backend.ip}:8080/`);
    expect(wget).toBe('backend-a');

    const answers = await Promise.all(Array.from({ length: 30 }, () => tcpExchange(backend.ip, 8080)));
    expect(answers.every((a) => a === 'backend-a\n')).toBe(true);

    expect(await exitCodeOnStop(backend.id)).toBe('0');
  });

  it('hostname listens on $PORT', async () => {
    const backend = await startContainer('kubets/hostname:v1', { hostname: 'backend-b', env: { PORT: '9090' } });
    expect(await tcpExchangeWhenReady(backend.ip, 9090)).toBe('backend-b\n');
  });

  it('mysql stand-in greets each connection and says whether a root password is set, never which', async () => {
    const password = 'never-print-me';
    const withPassword = await startContainer('mysql:5.7', { env: { MYSQL_ROOT_PASSWORD: password } });
    const greeting = await tcpExchangeWhenReady(withPassword.ip, 3306);
    expect(greeting).toBe('5.7.0-kubets-mysql-standin ready (root password set)\n');
    expect(greeting).not.toContain(password);
    expect(await docker('logs', withPassword.id)).not.toContain(password);
    expect(await exitCodeOnStop(withPassword.id)).toBe('0');

    const without = await startContainer('kubets/mysql:5.7');
    expect(await tcpExchangeWhenReady(without.ip, 3306)).toBe('5.7.0-kubets-mysql-standin ready (root password not set)\n');
  });

  it('tomcat-app shows its environment and tries mysql afresh on every request', async () => {
    // The mysql container starts idle so the first request meets a refusal; mysqld is started later by exec.
    const mysql = await startContainer('mysql:5.7', { cmd: ['sleep', '3600'] });
    const web = await startContainer('kubeguide/tomcat-app:v1', {
      env: { MYSQL_SERVICE_HOST: mysql.ip, MYSQL_SERVICE_PORT: '3306', GREETING: 'hello' },
    });
    await tcpExchangeWhenReady(web.ip, 8080, 'GET / HTTP/1.0\r\n\r\n');

    const down = await httpGet(`http://${web.ip}:8080/`);
    expect(down.status).toBe(200);
    expect(down.body).toContain('GREETING=hello');
    expect(down.body).toContain(`MYSQL_SERVICE_HOST=${mysql.ip}`);
    expect(down.body).toContain(`mysql: cannot connect to ${mysql.ip}:3306`);

    await docker('exec', '-d', mysql.id, '/usr/local/bin/mysqld');
    await tcpExchangeWhenReady(mysql.ip, 3306);
    const up = await httpGet(`http://${web.ip}:8080/`);
    expect(up.body).toContain(`mysql: connected to ${mysql.ip}:3306: 5.7.0-kubets-mysql-standin ready`);

    expect(await exitCodeOnStop(web.id)).toBe('0');
  });
});
