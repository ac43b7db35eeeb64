import { describe, expect, it } from 'vitest';
import { fieldManagerOf } from './index.js';

describe('fieldManagerOf', () => {
  it("names each request's manager from its own user agent, whatever the previous request sent", () => {
    expect(fieldManagerOf(undefined, 'kubectl/v1.32.0 (linux/amd64)')).toBe('kubectl');
    expect(fieldManagerOf(undefined, 'kubectl/v1.32.0 (linux/amd64)')).toBe('kubectl');
    expect(fieldManagerOf(undefined, ' kube-scheduler /v1')).toBe('kube-scheduler');
    expect(fieldManagerOf('explicit', ' kube-scheduler /v1')).toBe('explicit');
    expect(fieldManagerOf(undefined, undefined)).toBe('unknown');
    expect(fieldManagerOf(undefined, '/v1')).toBe('unknown');
    expect(fieldManagerOf(undefined, 'kubectl/v1.32.0 (linux/amd64)')).toBe('kubectl');
  });
});
