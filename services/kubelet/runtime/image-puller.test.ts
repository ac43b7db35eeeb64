import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { ImagePuller } from './image-puller.js';

/** An engine that has the images in `have` and gains `pullable` ones when they are pulled. */
function fakeEngine(have: Set<string>, pullable: Set<string>) {
  const pulls: string[] = [];
  const docker = {
    getImage: (ref: string) => ({
      inspect: async () => {
        if (have.has(ref)) return { Id: `sha256:${ref}` };
        throw Object.assign(new Error('no such image'), { statusCode: 404 });
      },
    }),
    pull: async (ref: string) => {
      pulls.push(ref);
      if (pullable.has(ref)) have.add(ref);
      const stream = new PassThrough();
      stream.end();
      return stream;
    },
    modem: { followProgress: (stream: NodeJS.ReadableStream, done: (err: Error | null) => void) => stream.on('end', () => done(null)).resume() },
  };
  return { docker: docker as unknown as Docker, pulls };
}

describe('ImagePuller.ensurePresent', () => {
  it('pulls a missing image once (the pause image from a registry mirror) and leaves a present one alone', async () => {
    const { docker, pulls } = fakeEngine(new Set(['kubets/busybox:1.36']), new Set(['kubets/pause:3.9']));
    const puller = new ImagePuller({ docker });
    await Promise.all([puller.ensurePresent('kubets/pause:3.9'), puller.ensurePresent('kubets/pause:3.9')]);
    await puller.ensurePresent('kubets/busybox:1.36');
    expect(pulls).toEqual(['kubets/pause:3.9']);
  });

  it('fails when the pull brings nothing (no registry has it)', async () => {
    const { docker } = fakeEngine(new Set(), new Set());
    await expect(new ImagePuller({ docker }).ensurePresent('kubets/pause:3.9')).rejects.toThrow('image "kubets/pause:3.9" is missing after its pull');
  });
});
