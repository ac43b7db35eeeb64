import { describe, expect, it } from 'vitest';
import type { Pod } from '../../../lib/api/generated/index.js';
import { DefaultTolerationSeconds } from './pod-tolerations.js';

const pod = (tolerations?: NonNullable<Pod['spec']>['tolerations']): Pod => ({ metadata: { name: 'web' }, spec: { tolerations } });

describe('DefaultTolerationSeconds', () => {
  it('adds 300 s tolerations of not-ready and unreachable nodes on create', async () => {
    const p = pod();
    await new DefaultTolerationSeconds().admit('create', p);
    expect(p.spec?.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('keeps what the pod says and adds nothing a toleration already covers', async () => {
    const own = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 };
    const p = pod([own]);
    await new DefaultTolerationSeconds(60).admit('create', p);
    expect(p.spec?.tolerations).toEqual([own, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }]);
    const everything = pod([{ operator: 'Exists' }]);
    await new DefaultTolerationSeconds().admit('create', everything);
    expect(everything.spec?.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  it('leaves updates alone', async () => {
    const p = pod();
    await new DefaultTolerationSeconds().admit('update', p);
    expect(p.spec?.tolerations).toBeUndefined();
  });
});
