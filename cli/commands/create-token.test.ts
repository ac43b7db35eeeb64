import { describe, expect, it } from 'vitest';
import { useFakeApiServer } from '../../lib/client/testing/fake-api-per-test.js';
import { runVerb } from '../testing/run-verb.js';
import { tokenRequestFromFlags } from './create-token.js';

const api = useFakeApiServer();
const run = (...argv: string[]) => runVerb(argv, { client: api.client });

describe('kubets create serviceaccount / token', () => {
  it('creates a ServiceAccount and prints only the token of a TokenRequest for it', async () => {
    expect(await run('create', 'serviceaccount', 'builder')).toEqual({ stdout: 'serviceaccount/builder created\n', stderr: '', code: 0 });
    const result = await run('create', 'token', 'builder', '--duration=10m');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('fake-token.default.builder.1\n');
    expect(api.fake.calls.find((c) => c.method === 'CreateToken')?.request).toMatchObject({ namespace: 'default', name: 'builder', tokenRequest: { spec: { expirationSeconds: 600 } } });
  });

  it("turns kubectl's flags into a TokenRequest, with its checks", () => {
    expect(tokenRequestFromFlags({ audience: ['a', 'b'], duration: 3_600_000, boundObjectKind: 'Pod', boundObjectName: 'web' }).spec).toEqual({
      audiences: ['a', 'b'],
      expirationSeconds: 3600,
      boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'web', uid: '' },
    });
    expect(tokenRequestFromFlags({ audience: [], duration: 0 }).spec).toEqual({ audiences: [] });
    expect(() => tokenRequestFromFlags({ audience: [], duration: 1500 })).toThrow('--duration cannot be expressed in units less than seconds');
    expect(() => tokenRequestFromFlags({ audience: [], boundObjectKind: 'Node', boundObjectName: 'n' })).toThrow('supported --bound-object-kind values are Pod, Secret');
    expect(() => tokenRequestFromFlags({ audience: [], boundObjectName: 'web' })).toThrow('--bound-object-name and --bound-object-uid can only be set if --bound-object-kind is provided');
  });
});
