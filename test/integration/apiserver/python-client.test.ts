import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot, protoDir } from '../../../lib/paths.js';
import { useControlPlane } from '../../harness/use-control-plane.js';

// The README's Python example (examples/python/kubets_client.py) against a real apiserver, with
// stubs compiled from proto/ by grpcio-tools. Needs python3 with grpcio, grpcio-tools and
// googleapis-common-protos; skipped where they are not installed.

const run = promisify(execFile);
const hasPythonGrpc = spawnSync('python3', ['-c', 'import grpc, grpc_tools.protoc, google.rpc.status_pb2'], { stdio: 'ignore' }).status === 0;

function protoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? protoFiles(join(dir, e.name)) : e.name.endsWith('.proto') ? [relative(protoDir, join(dir, e.name))] : []));
}

describe.skipIf(!hasPythonGrpc)('the Python example', () => {
  const cluster = useControlPlane();
  const work = mkdtempSync(join(tmpdir(), 'kubets-python-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('compiles proto/ into kubets packages only, none shadowing grpcio', async () => {
    await run('python3', ['-m', 'grpc_tools.protoc', '-I', protoDir, `--python_out=${work}`, `--grpc_python_out=${work}`, ...protoFiles(protoDir)]);
    expect(readdirSync(work)).toEqual(['kubets']);
    expect(existsSync(join(work, 'kubets/v1/api_pb2_grpc.py'))).toBe(true);
  });

  it('creates, gets by kind, pages with continueToken and reads the Status of a failure', async () => {
    const ca = join(work, 'ca.crt');
    writeFileSync(ca, cluster.cp.caPem);
    const { stdout } = await run('python3', [join(projectRoot, 'examples/python/kubets_client.py')], {
      env: { ...process.env, PYTHONPATH: work, KUBETS_SERVER: cluster.cp.apiservers[0]!.address, KUBETS_CA: ca, KUBETS_TOKEN: cluster.cp.token },
    });
    expect(stdout.split('\n')).toEqual([
      'created v1 ConfigMap from-python',
      'got ConfigMap hello',
      expect.stringMatching(/^listed .*from-python/),
      'failed NOT_FOUND NotFound 404 pods "nobody" not found',
      '',
    ]);
  });
});
