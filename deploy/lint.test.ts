// The shell scripts of deploy/ and scripts/ pass shellcheck, and the Vagrantfile passes `vagrant
// validate`, wherever those tools are installed (setup-host installs both from Debian; Vagrant only
// reads the Vagrantfile here, its VMs need VirtualBox).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '..');
const installed = (tool: string): boolean => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

/** Every file under these folders whose first line runs sh or bash. */
function shellScripts(...dirs: string[]): string[] {
  return dirs.flatMap((d) =>
    readdirSync(join(REPO, d), { recursive: true })
      .map((f) => join(REPO, d, String(f)))
      .filter((f) => statSync(f).isFile() && /^#!.*\b(ba)?sh\b/.test(readFileSync(f, 'utf8').split('\n', 1)[0]!)),
  );
}

describe('deploy and scripts', () => {
  it('finds the provisioning and host scripts', () => {
    const names = shellScripts('deploy', 'scripts').map((f) => f.slice(REPO.length + 1));
    expect(names).toEqual(expect.arrayContaining(['deploy/vagrant/provision.sh', 'scripts/setup-host.sh', 'scripts/build-images', 'scripts/start-dockerd.sh']));
  });

  it.skipIf(!installed('shellcheck'))('are shellcheck clean', () => {
    const r = spawnSync('shellcheck', shellScripts('deploy', 'scripts'), { encoding: 'utf8' });
    expect(r.stdout, r.stdout).toBe('');
    expect(r.status).toBe(0);
  });

  it.skipIf(!installed('vagrant'))('has a Vagrantfile that vagrant validates', () => {
    const r = spawnSync('vagrant', ['validate', '--ignore-provider'], { cwd: join(REPO, 'deploy/vagrant'), encoding: 'utf8', timeout: 120_000 });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  }, 150_000);
});
