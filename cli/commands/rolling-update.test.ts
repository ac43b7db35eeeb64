import { describe, expect, it } from 'vitest';
import type { ReplicationController } from '../../lib/api/generated/index.js';
import { controllerForImage, validateRollingUpdateArgs } from './rolling-update.js';

const frontend: ReplicationController = {
  metadata: { name: 'frontend', namespace: 'default', uid: 'u1', resourceVersion: '9', labels: { app: 'web' } },
  spec: {
    replicas: 3,
    selector: { app: 'web' },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:v1' }] } },
  },
};

describe('rolling-update arguments', () => {
  const flags = { filename: [] as string[], deploymentLabelKey: 'deployment' };

  it('needs exactly one of -f and --image and the old name', () => {
    expect(() => validateRollingUpdateArgs(['frontend'], flags)).toThrow('Must specify --filename or --image for new controller');
    expect(() => validateRollingUpdateArgs(['frontend'], { ...flags, filename: ['a.yaml'], image: 'x' })).toThrow(
      '--filename and --image can not both be specified',
    );
    expect(() => validateRollingUpdateArgs([], { ...flags, image: 'x' })).toThrow('Must specify the controller to update');
    expect(() => validateRollingUpdateArgs(['a'], { ...flags, filename: ['a', 'b'] })).toThrow('May only specify a single filename for new controller');
    expect(() => validateRollingUpdateArgs(['frontend'], { ...flags, image: 'web:v2' })).not.toThrow();
  });
});

describe('controllerForImage', () => {
  it('copies the old controller with the new image, a hashed name and the deployment key', () => {
    const rc = controllerForImage(frontend, { image: 'web:v2', deploymentKey: 'deployment' });
    const hash = rc.spec?.selector?.deployment ?? '';
    expect(hash).toMatch(/^[0-9a-f]{32}$/);
    expect(rc.metadata).toEqual({ name: `frontend-${hash}`, namespace: 'default', labels: { app: 'web' } });
    expect(rc.spec?.selector).toEqual({ app: 'web', deployment: hash });
    expect(rc.spec?.template?.metadata?.labels).toEqual({ app: 'web', deployment: hash });
    expect(rc.spec?.template?.spec?.containers?.[0]?.image).toBe('web:v2');
    expect(frontend.spec?.template?.spec?.containers?.[0]?.image).toBe('web:v1');
  });

  it('uses the given name and requires a container for multi-container pods', () => {
    expect(controllerForImage(frontend, { image: 'web:v2', deploymentKey: 'deployment', newName: 'frontend-v2' }).metadata?.name).toBe('frontend-v2');
    const two = structuredClone(frontend);
    two.spec!.template!.spec!.containers!.push({ name: 'side', image: 'side:v1' });
    expect(() => controllerForImage(two, { image: 'x', deploymentKey: 'deployment' })).toThrow('must specify container to update when updating a multi-container pod');
    expect(() => controllerForImage(two, { image: 'x', deploymentKey: 'deployment', container: 'nope' })).toThrow('container nope not found in pod');
    expect(controllerForImage(two, { image: 'x', deploymentKey: 'd', container: 'side' }).spec?.template?.spec?.containers?.[1]?.image).toBe('x');
  });
});
