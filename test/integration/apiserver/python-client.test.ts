import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { projectRoot, protoDir, standardProtoDir } from '../../../lib/paths.js';
import { useControlPlane } from '../../harness/use-control-plane.js';

// The README's Python example (examples/python/kubets_client.py) against a real apiserver, with
// stubs compiled from proto/ by grpcio-tools, and a client that knows the API only from server
// reflection (test/fixtures/python/reflection_client.py). Needs python3 with grpcio, grpcio-tools
// and googleapis-common-protos; skipped where they are not installed.

const run = promisify(execFile);
const hasPythonGrpc = spawnSync('python3', ['-c', 'import grpc, grpc_tools.protoc, google.rpc.status_pb2'], { stdio: 'ignore' }).status === 0;

function protoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? protoFiles(join(dir, e.name)) : e.name.endsWith('.proto') ? [relative(protoDir, join(dir, e.name))] : []));
}

describe.skipIf(!hasPythonGrpc)('the Python example', () => {
  const cluster = useControlPlane();
  const work = mkdtempSync(join(tmpdir(), 'kubets-python-'));
  const stubs = join(work, 'stubs');
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** What a Python client is given: the apiserver's address, the CA file and the token. */
  function clientEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
    const ca = join(work, 'ca.crt');
    writeFileSync(ca, cluster.cp.caPem);
    return { ...process.env, KUBETS_SERVER: cluster.cp.apiservers[0]!.address, KUBETS_CA: ca, KUBETS_TOKEN: cluster.cp.token, ...extra };
  }

  it('compiles proto/ into kubets packages only, none shadowing grpcio', async () => {
    mkdirSync(stubs);
    await run('python3', ['-m', 'grpc_tools.protoc', '-I', protoDir, `--python_out=${stubs}`, `--grpc_python_out=${stubs}`, ...protoFiles(protoDir)]);
    expect(readdirSync(stubs)).toEqual(['kubets']);
    expect(existsSync(join(stubs, 'kubets/v1/api_pb2_grpc.py'))).toBe(true);
  });

  it('creates, gets by kind, pages with continueToken and reads the Status of a failure', async () => {
    const { stdout } = await run('python3', [join(projectRoot, 'examples/python/kubets_client.py')], { env: clientEnv({ PYTHONPATH: stubs }) });
    expect(stdout.split('\n')).toEqual([
      'created v1 ConfigMap from-python',
      'got ConfigMap hello',
      expect.stringMatching(/^listed .*from-python/),
      'failed NOT_FOUND NotFound 404 pods "nobody" not found',
      '',
    ]);
  });

  it('knows the API from reflection alone: descriptors protobuf accepts, and a call made with them', async () => {
    const reflectionDir = join(work, 'reflection');
    mkdirSync(reflectionDir);
    await run('python3', ['-m', 'grpc_tools.protoc', '-I', standardProtoDir, `--python_out=${reflectionDir}`, 'grpc/reflection/v1/reflection.proto']);
    const { stdout } = await run('python3', [join(projectRoot, 'test/fixtures/python/reflection_client.py')], {
      env: clientEnv({ REFLECTION_PB2: join(reflectionDir, 'grpc/reflection/v1/reflection_pb2.py') }),
    });
    expect(stdout.split('\n')).toEqual([
      'services grpc.health.v1.Health,grpc.reflection.v1.ServerReflection,grpc.reflection.v1alpha.ServerReflection,kubets.v1.Resources',
      'got v1 Namespace default labels',
      'continueToken json_name continue',
      '',
    ]);
  });
});
