import { describe, expect, it } from 'vitest';
import { defaultPullPolicy, effectivePullPolicy, parseImageReference, shouldPullImage, withDefaultTag } from './image-reference.js';

describe('parseImageReference', () => {
  it.each([
    ['busybox', { repository: 'busybox' }],
    ['kubets/busybox:1.36', { repository: 'kubets/busybox', tag: '1.36' }],
    ['127.0.0.1:1/missing:v1', { repository: '127.0.0.1:1/missing', tag: 'v1' }],
    ['127.0.0.1:1/missing', { repository: '127.0.0.1:1/missing' }],
    ['repo@sha256:abc', { repository: 'repo', digest: 'sha256:abc' }],
    ['repo:1@sha256:abc', { repository: 'repo', tag: '1', digest: 'sha256:abc' }],
  ])('%s', (image, ref) => {
    expect(parseImageReference(image)).toEqual(ref);
  });
});

describe('pull policy', () => {
  it('defaults to Always for latest or untagged images, else IfNotPresent', () => {
    expect(defaultPullPolicy('busybox')).toBe('Always');
    expect(defaultPullPolicy('busybox:latest')).toBe('Always');
    expect(defaultPullPolicy('kubets/busybox:1.36')).toBe('IfNotPresent');
    expect(defaultPullPolicy('localhost:5000/x')).toBe('Always');
    expect(defaultPullPolicy('x@sha256:abc')).toBe('IfNotPresent');
  });

  it('honours an explicit policy', () => {
    expect(effectivePullPolicy({ image: 'kubets/busybox:1.36', imagePullPolicy: 'Always' })).toBe('Always');
    expect(effectivePullPolicy({ image: 'busybox', imagePullPolicy: 'Never' })).toBe('Never');
    expect(effectivePullPolicy({ image: 'busybox' })).toBe('Always');
  });

  it('pulls only when the policy says so', () => {
    expect(shouldPullImage('Always', true)).toBe(true);
    expect(shouldPullImage('IfNotPresent', true)).toBe(false);
    expect(shouldPullImage('IfNotPresent', false)).toBe(true);
    expect(shouldPullImage('Never', false)).toBe(false);
  });

  it('names a tag when none is given', () => {
    expect(withDefaultTag('busybox')).toBe('busybox:latest');
    expect(withDefaultTag('127.0.0.1:1/missing')).toBe('127.0.0.1:1/missing:latest');
    expect(withDefaultTag('a:b')).toBe('a:b');
    expect(withDefaultTag('a@sha256:x')).toBe('a@sha256:x');
  });
});
