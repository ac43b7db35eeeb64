import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// The project root holds proto/ and scripts/. Code runs both from source (vitest) and from dist/,
// at different depths, so walk up until the marker appears.
function findProjectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'proto', 'kubets'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('kubets: cannot find the project root (no proto/ directory above the code)');
    dir = parent;
  }
}

export const projectRoot = findProjectRoot();
export const protoDir = join(projectRoot, 'proto');
/** Standard gRPC protocols the apiserver serves (health, reflection, rich errors); clients take these from their gRPC library. */
export const standardProtoDir = join(projectRoot, 'proto-grpc');
/** Every folder of .proto files the schema is built from (scripts/gen-types.mjs). */
export const protoDirs = [protoDir, standardProtoDir];
