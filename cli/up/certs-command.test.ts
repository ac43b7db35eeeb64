import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { addGlobalOptions } from '../flags.js';
import { lazyCommand } from '../lazy-command.js';
import { parseClientConfig } from '../../lib/client-config.js';
import { subjectAltNames } from '../../lib/certs/index.js';
import { certsCommand } from './certs-command.js';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** `kubets certs ...` parsed as the binary does: the global flags on the program, the command loaded lazily. */
async function runCerts(args: string[]): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'kubets-certs-'));
  dirs.push(dir);
  vi.spyOn(process.stdout, 'write').mockReturnValue(true);
  const program = addGlobalOptions(new Command('kubets').exitOverride());
  program.addCommand(lazyCommand('certs', 'certs', async () => certsCommand()));
  await program.parseAsync(['certs', '--data-dir', dir, '--nodes', 'node1', ...args], { from: 'user' });
  return dir;
}

const serversOf = (file: string): string[] => parseClientConfig(readFileSync(file, 'utf8'), file).contexts.kubets!.servers;

describe('kubets certs', () => {
  it('points every client config at --server, which the global flag of the same name must not swallow', async () => {
    const dir = await runCerts(['--server', '192.168.56.10:8443', '--hosts', '192.168.56.10']);
    expect(serversOf(join(dir, 'admin.conf'))).toEqual(['192.168.56.10:8443']);
    expect(serversOf(join(dir, 'kubelet-node1.conf'))).toEqual(['192.168.56.10:8443']);
  }, 60_000);

  it('takes several servers, comma-separated, and defaults to loopback', async () => {
    expect(serversOf(join(await runCerts(['-s', '10.0.0.1:6443,10.0.0.2:6443']), 'proxy.conf'))).toEqual(['10.0.0.1:6443', '10.0.0.2:6443']);
    expect(serversOf(join(await runCerts([]), 'proxy.conf'))).toEqual(['127.0.0.1:6443']);
  }, 60_000);

  it('writes the cluster registry certificate and configuration with --registry, for its address and loopback', async () => {
    const dir = await runCerts(['--registry', '192.168.56.11:5000', '--registry-storage', '/var/lib/kubets/registry']);
    const config = JSON.parse(readFileSync(join(dir, 'registry', 'config.yml'), 'utf8'));
    expect(config.http).toMatchObject({ addr: '192.168.56.11:5000', tls: { certificate: join(dir, 'pki', 'registry.crt') } });
    expect(config.storage.filesystem.rootdirectory).toBe('/var/lib/kubets/registry');
    expect(subjectAltNames(readFileSync(join(dir, 'pki', 'registry.crt'), 'utf8')).ipAddresses).toEqual(expect.arrayContaining(['192.168.56.11', '127.0.0.1']));
  }, 60_000);

  it('refuses a registry address that is not an IPv4 address and port', async () => {
    await expect(runCerts(['--registry', 'master1:5000'])).rejects.toThrow('--registry: expected an IPv4 address and port');
  }, 60_000);
});
