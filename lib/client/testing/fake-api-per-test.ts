import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { ApiClient } from '../client.js';
import { FakeApiServer, type FakeApiServerOptions } from './fake-apiserver.js';

/** An in-memory apiserver and a plaintext client of it. */
export interface FakeApi {
  fake: FakeApiServer;
  client: ApiClient;
}

export async function startFakeApi(options?: FakeApiServerOptions): Promise<FakeApi> {
  const fake = await FakeApiServer.start(options);
  return { fake, client: fake.client() };
}

/** Closes the client, then stops the server. */
export async function stopFakeApi(api: FakeApi): Promise<void> {
  api.client.close();
  await api.fake.stop();
}

/**
 * A fresh fake apiserver and client for each test of the calling suite (or, with `scope: 'suite'`,
 * one for the whole suite): started before each test (or before all), closed after it. Read `fake`
 * and `client` from the returned object inside the tests, since they change from test to test.
 * Hooks the suite adds after this call run inside it (vitest's default "stack" hook order): their
 * beforeEach/beforeAll once the server is up, their afterEach/afterAll before it stops.
 */
export function useFakeApiServer(options?: FakeApiServerOptions, { scope = 'test' }: { scope?: 'test' | 'suite' } = {}): FakeApi {
  const api = {} as FakeApi;
  const [before, after] = scope === 'suite' ? [beforeAll, afterAll] : [beforeEach, afterEach];
  before(async () => {
    Object.assign(api, await startFakeApi(options));
  });
  after(() => stopFakeApi(api));
  return api;
}
