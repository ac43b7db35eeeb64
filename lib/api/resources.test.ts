import { describe, expect, it } from 'vitest';
import { requestNameOf, resourceByField, resourceByRequestName, storedRequestName, versionedResource } from './resources.js';

describe('request names', () => {
  const hpa = resourceByField('horizontalPodAutoscaler');
  const hpaV1 = versionedResource(hpa, 'v1')!;

  it('qualify a version other than the stored one, and resolve back to that view', () => {
    expect(requestNameOf(hpa)).toBe('horizontalpodautoscalers');
    expect(requestNameOf(hpaV1)).toBe('horizontalpodautoscalers.v1.autoscaling');
    expect(resourceByRequestName('horizontalpodautoscalers.v1.autoscaling')).toBe(hpaV1);
  });

  it('address the stored version from any served view', () => {
    expect(storedRequestName(hpaV1)).toBe('horizontalpodautoscalers');
    expect(storedRequestName(resourceByField('pod'))).toBe('pods');
  });
});
