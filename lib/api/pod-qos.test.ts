import { describe, expect, it } from 'vitest';
import { qosClass } from './pod-qos.js';

const spec = (resources: object) => ({ containers: [{ name: 'c', image: 'i', resources }] });

describe('qosClass', () => {
  it('classifies by requests and limits', () => {
    expect(qosClass(spec({}))).toBe('BestEffort');
    expect(qosClass(spec({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1000m', memory: '1024Mi' } }))).toBe('Guaranteed');
    expect(qosClass(spec({ limits: { cpu: '1' } }))).toBe('Burstable');
  });

  it('treats a malformed quantity as unequal rather than throwing, so validation can name it', () => {
    expect(qosClass(spec({ limits: { cpu: 'abc', memory: '1Gi' }, requests: { cpu: 'abc', memory: '1Gi' } }))).toBe('Burstable');
  });
});
