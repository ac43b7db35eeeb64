import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// A service's internals are its own: other folders use its public entry (services/X/index.ts),
// services never reach into the CLI, and lib/ is shared by everyone so it imports neither. Code
// shared by the CLI and the services belongs in lib/. (Integration tests and benchmarks under
// test/ and bench/ may look inside a service; they test it.)

const root = resolve(import.meta.dirname, '..');
const SERVICES = ['apiserver', 'scheduler', 'controller-manager', 'kubelet', 'proxy', 'ingress-controller', 'prometheus-discovery', 'log-shipper'];

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The repository paths a file imports (static, side-effect and dynamic imports), as .ts paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((s) => relative(root, resolve(root, dirname(file), s)).replace(/\.js$/, '.ts'));
}

/** Why an import crosses a boundary, or undefined when it may. */
function violation(file: string, target: string): string | undefined {
  const [top, service, ...rest] = target.split('/');
  const [fromTop, fromService] = file.split('/');
  if (top === 'services' && service && SERVICES.includes(service)) {
    const inside = fromTop === 'services' && fromService === service;
    if (!inside && rest.join('/') !== 'index.ts') return `reaches into services/${service} (use services/${service}/index.ts)`;
  }
  if (top === 'cli' && fromTop !== 'cli') return `${fromTop}/ imports the CLI`;
  if (top === 'services' && fromTop === 'lib') return 'lib/ imports a service';
  return undefined;
}

describe('import boundaries', () => {
  const files = ['cli', 'lib', 'services'].flatMap(sourceFiles);

  it('finds the sources it checks', () => {
    expect(files).toContain('cli/main.ts');
    expect(importsOf('cli/external-commands.ts')).toContain('services/apiserver/index.ts');
  });

  it('keeps services, the CLI and lib/ to each other\'s public entries', () => {
    const crossings = files.flatMap((file) =>
      importsOf(file).flatMap((target) => {
        const why = violation(file, target);
        return why ? [`${file} -> ${target}: ${why}`] : [];
      }),
    );
    expect(crossings).toEqual([]);
  });

  it('gives every service a public entry', () => {
    for (const service of SERVICES) expect(files).toContain(`services/${service}/index.ts`);
  });

  it('flags an import into a service\'s internals from elsewhere', () => {
    expect(violation('cli/up/up-command.ts', 'services/proxy/options.ts')).toMatch(/reaches into services\/proxy/);
    expect(violation('services/kubelet/kubelet.ts', 'services/proxy/index.ts')).toBeUndefined();
    expect(violation('services/controller-manager/command.ts', 'cli/flags.ts')).toMatch(/imports the CLI/);
    expect(violation('services/proxy/a.ts', 'services/proxy/iptables/b.ts')).toBeUndefined();
  });
});
