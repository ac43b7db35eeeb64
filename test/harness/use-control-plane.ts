import { afterAll, beforeAll } from 'vitest';
import type { ApiClient } from '../../lib/client/client.js';
import { startControlPlane, type ControlPlane } from './control-plane.js';

export interface ControlPlaneFixture {
  cp: ControlPlane;
  /** A client of every apiserver, with the admin token. */
  client: ApiClient;
}

/**
 * A control plane for the calling test file (or suite): started before its first test and stopped
 * after its last. Read `cp` and `client` inside tests and hooks. Hooks the file adds after this
 * call run inside it (vitest's default "stack" hook order): their beforeAll once it is up, their
 * afterAll before it stops.
 */
export function useControlPlane(opts?: Parameters<typeof startControlPlane>[0]): ControlPlaneFixture {
  const fixture = {} as ControlPlaneFixture;
  beforeAll(async () => {
    fixture.cp = await startControlPlane(opts);
    fixture.client = fixture.cp.client();
  });
  afterAll(async () => {
    await fixture.cp?.stop();
  });
  return fixture;
}
