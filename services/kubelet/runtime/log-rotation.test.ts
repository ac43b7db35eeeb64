import { describe, expect, it } from 'vitest';
import { containerCreateOptions } from './container-config.js';
import { logConfig, parseLogMaxFiles, parseLogMaxSize } from './log-rotation.js';

describe('container log rotation', () => {
  it('reads the size as a quantity and the count as an integer of at least 2', () => {
    expect(parseLogMaxSize('10Mi')).toBe(10 * 1024 * 1024);
    expect(parseLogMaxSize('500Ki')).toBe(500 * 1024);
    expect(() => parseLogMaxSize('ten')).toThrow('expected a size such as 10Mi, got "ten"');
    expect(() => parseLogMaxSize('10')).toThrow('at least 1Ki');
    expect(parseLogMaxFiles('5')).toBe(5);
    expect(() => parseLogMaxFiles('1')).toThrow('at least 2');
  });

  it("becomes the json-file driver's max-size in bytes and max-file", () => {
    expect(logConfig({ maxSizeBytes: 2048, maxFiles: 3 })).toEqual({ Type: 'json-file', Config: { 'max-size': '2048', 'max-file': '3' } });
  });

  it('is set on every app container the runtime creates', () => {
    const pod = { metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [{ name: 'c', image: 'busybox:v1' }] } };
    const create = containerCreateOptions({
      pod,
      container: pod.spec.containers[0]!,
      init: false,
      restartCount: 0,
      sandboxId: 'sandbox',
      options: { env: [], mounts: [], command: [], args: [] },
      owner: { nodeName: 'n1' },
      qos: 'BestEffort',
      nodeMemoryBytes: 1 << 30,
      minOomScoreAdj: -1000,
      logRotation: { maxSizeBytes: 4096, maxFiles: 4 },
    });
    expect(create.HostConfig?.LogConfig).toEqual({ Type: 'json-file', Config: { 'max-size': '4096', 'max-file': '4' } });
  });
});
