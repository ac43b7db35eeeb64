import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mirrorRepository, registryAt, registryConfig, relayLoopback, trustRegistry, untrustRegistry } from './registry.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubets-registry-'));
  dirs.push(dir);
  return dir;
};

describe('the cluster registry', () => {
  it('serves TLS on the node-network address only, with its storage under the data dir', () => {
    const registry = registryAt('/var/lib/kubets', '10.250.0.1', 5000);
    expect(registry).toEqual({ address: '10.250.0.1:5000', loopback: '127.0.0.1:5000', configFile: '/var/lib/kubets/registry/config.yml', storageDir: '/var/lib/kubets/registry/data' });
    const config = JSON.parse(registryConfig(registry, { certFile: '/pki/registry.crt', keyFile: '/pki/registry.key' }));
    expect(config.http).toMatchObject({ addr: '10.250.0.1:5000', tls: { certificate: '/pki/registry.crt', key: '/pki/registry.key' } });
    expect(config.storage.filesystem).toEqual({ rootdirectory: '/var/lib/kubets/registry/data' });
  });

  it.each([
    ['kubets/pause:3.9', 'kubets/pause:3.9'],
    ['mysql:5.7', 'library/mysql:5.7'],
    ['kubeguide/tomcat-app:v1', 'kubeguide/tomcat-app:v1'],
    ['busybox', 'library/busybox:latest'],
  ])('stores %s where a Docker Hub mirror is asked for it (%s)', (tag, path) => {
    expect(mirrorRepository(tag)).toBe(path);
  });

  it('refuses a name that already names a registry', () => {
    expect(() => mirrorRepository('10.250.0.1:5000/app:v1')).toThrow('names a registry');
    expect(() => mirrorRepository('localhost/app:v1')).toThrow('names a registry');
  });

  it("puts the cluster CA where Docker engines look for the registry's, and takes it away again", () => {
    const certsDir = tempDir();
    trustRegistry('10.250.0.1:5000', 'CA PEM', certsDir);
    expect(readFileSync(join(certsDir, '10.250.0.1:5000', 'ca.crt'), 'utf8')).toBe('CA PEM');
    untrustRegistry('10.250.0.1:5000', certsDir);
    expect(existsSync(join(certsDir, '10.250.0.1:5000'))).toBe(false);
  });

  it('relays loopback connections on the same port to the node-network address, both ways', async () => {
    // A stand-in registry on another loopback address: it answers what it reads, upper-cased.
    const upstream = createServer((s) => s.on('data', (d) => s.end(d.toString().toUpperCase())));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.2', r));
    const port = (upstream.address() as AddressInfo).port;
    const relay = await relayLoopback(registryAt(tempDir(), '127.0.0.2', port));
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const client = connect({ host: '127.0.0.1', port }, () => client.write('hello'));
        let data = '';
        client.on('data', (d) => (data += d.toString()));
        client.on('end', () => resolve(data));
        client.on('error', reject);
      });
      expect(answer).toBe('HELLO');
    } finally {
      relay.close();
      upstream.close();
    }
  });
});
