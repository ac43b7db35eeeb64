import { open, mkdir, stat } from 'node:fs/promises';
import type { HostPathVolumeSource } from '../../../../lib/api/generated/index.js';
import { VolumeSourceError } from './projections.js';

/**
 * Kubernetes' hostPath type checks: `DirectoryOrCreate`/`FileOrCreate` create what is missing,
 * the other types must already be what they say, and no type means no check.
 */
export async function setUpHostPath(source: HostPathVolumeSource): Promise<string> {
  const path = source.path ?? '';
  if (path === '') throw new VolumeSourceError('hostPath path must not be empty');
  const info = await stat(path).catch(() => undefined);
  const fail = (what: string) => {
    throw new VolumeSourceError(`hostPath type check failed: ${path} is not ${what}`);
  };
  switch (source.type ?? '') {
    case '':
      break;
    case 'DirectoryOrCreate':
      if (!info) await mkdir(path, { recursive: true, mode: 0o755 });
      else if (!info.isDirectory()) fail('a directory');
      break;
    case 'Directory':
      if (!info?.isDirectory()) fail('a directory');
      break;
    case 'FileOrCreate':
      if (!info) await (await open(path, 'a', 0o644)).close();
      else if (!info.isFile()) fail('a file');
      break;
    case 'File':
      if (!info?.isFile()) fail('a file');
      break;
    case 'Socket':
      if (!info?.isSocket()) fail('a socket file');
      break;
    case 'CharDevice':
      if (!info?.isCharacterDevice()) fail('a character device');
      break;
    case 'BlockDevice':
      if (!info?.isBlockDevice()) fail('a block device');
      break;
    default:
      throw new VolumeSourceError(`hostPath type ${source.type} is not supported`);
  }
  return path;
}
