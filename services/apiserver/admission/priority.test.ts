import { describe, expect, it } from 'vitest';
import type { Pod, PriorityClass } from '../../../lib/api/generated/index.js';
import { PriorityAdmission, SYSTEM_PRIORITY_CLASSES } from './priority.js';

const classes: PriorityClass[] = [...SYSTEM_PRIORITY_CLASSES, { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'Never' }];
const pod = (spec: Pod['spec'] = {}): Pod => ({ metadata: { name: 'web', namespace: 'default' }, spec });

describe('Priority', () => {
  it('resolves priorityClassName into priority and preemptionPolicy on create', async () => {
    const p = pod({ priorityClassName: 'high' });
    await new PriorityAdmission(async () => classes).admit('create', p);
    expect(p.spec).toMatchObject({ priority: 1000, priorityClassName: 'high', preemptionPolicy: 'Never' });
  });

  it('uses the global default class, else priority 0', async () => {
    const p = pod();
    await new PriorityAdmission(async () => [...classes, { metadata: { name: 'everyone' }, value: 7, globalDefault: true }]).admit('create', p);
    expect(p.spec).toMatchObject({ priority: 7, priorityClassName: 'everyone', preemptionPolicy: 'PreemptLowerPriority' });
    const plain = pod();
    await new PriorityAdmission(async () => classes).admit('create', plain);
    expect(plain.spec?.priority).toBe(0);
  });

  it('refuses an unknown class and a priority that disagrees with the class', async () => {
    const admission = new PriorityAdmission(async () => classes);
    await expect(admission.admit('create', pod({ priorityClassName: 'nope' }))).rejects.toThrow('pods "web" is forbidden: no PriorityClass with name nope was found');
    await expect(admission.admit('create', pod({ priorityClassName: 'high', priority: 5 }))).rejects.toThrow(
      'pods "web" is forbidden: the integer value of priority (5) must not be provided in pod spec; priority admission controller computed 1000 from the given PriorityClass name',
    );
  });

  it('leaves updates alone', async () => {
    const p = pod({ priorityClassName: 'nope' });
    await new PriorityAdmission(async () => classes).admit('update', p);
    expect(p.spec?.priority).toBeUndefined();
  });
});
