import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { aescbcConfigYaml, EncryptionConfigError, EVERY_RESOURCE, newAesKey, parseEncryptionConfig } from './config.js';

const key = newAesKey('key1');
const doc = (resources: string, providers: string): string => `apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: ${resources}
    providers:
${providers}`;

describe('parseEncryptionConfig', () => {
  it('reads Kubernetes\' format: each resource gets its providers in order, first entry wins', () => {
    const plan = parseEncryptionConfig(`apiVersion: apiserver.config.k8s.io/v1
kind: EncryptionConfiguration
resources:
  - resources: [secrets, configmaps, deployments.apps]
    providers:
      - aesgcm:
          keys:
            - name: new
              secret: ${key.secret}
      - aescbc:
          keys:
            - name: old
              secret: ${newAesKey('old').secret}
      - identity: {}
  - resources: [secrets, '*.*']
    providers:
      - identity: {}
`);
    expect(plan.get('secrets')!.providers.map((p) => p.description)).toEqual(['aesgcm key "new"', 'aescbc key "old"', 'identity']);
    expect(plan.get('deployments')).toBe(plan.get('secrets'));
    expect(plan.get(EVERY_RESOURCE)!.providers.map((p) => p.description)).toEqual(['identity']);
  });

  it('writes a config it reads back: aescbc first, identity after', () => {
    const yaml = aescbcConfigYaml([key]);
    expect(parse(yaml).resources[0].providers[0].aescbc.keys[0]).toEqual({ name: 'key1', secret: key.secret });
    expect(parseEncryptionConfig(yaml).get('secrets')!.providers.map((p) => p.description)).toEqual(['aescbc key "key1"', 'identity']);
  });

  it.each([
    [doc('[secrets]', '      - secretbox:\n          keys: [{name: k, secret: x}]'), /providers\[0\]\.secretbox: Unsupported value: Node's crypto has no XSalsa20-Poly1305/],
    [doc('[secrets]', '      - kms: {name: x}'), /providers\[0\]\.kms: Unsupported value/],
    [doc('[secrets]', '      - aescbc:\n          keys: [{name: k, secret: "c2hvcnQ="}]'), /providers\[0\]\.aescbc\.keys\[0\]\.secret: Invalid value: secret is 5 bytes/],
    [doc('[secrets]', '      - aescbc:\n          keys: [{name: k, secret: "not base64!"}]'), /keys\[0\]\.secret: Invalid value: secret is not valid base64/],
    [doc('[secrets]', `      - aescbc:\n          keys: [{name: k, secret: "${key.secret}"}, {name: k, secret: "${key.secret}"}]`), /keys\[1\]\.name: Duplicate value: "k"/],
    [doc('[secrets]', `      - aescbc:\n          keys: [{secret: "${key.secret}"}]`), /keys\[0\]\.name: Required value/],
    [doc('[secrets]', '      - aescbc: {}'), /providers\[0\]\.aescbc\.keys: Required value/],
    [doc('[secrets]', '      - {identity: {}, aescbc: {}}'), /providers\[0\]: Invalid value: exactly one provider type per entry/],
    [doc('[]', '      - identity: {}'), /resources\[0\]\.resources: Required value/],
    [doc("['*.apps']", '      - identity: {}'), /the only wildcard is "\*\.\*"/],
    ['kind: Other\napiVersion: v1', /kind: Invalid value: "Other"/],
    ['a: [', /not YAML/],
  ])('refuses bad input with the field path (%#)', (source, message) => {
    expect(() => parseEncryptionConfig(source)).toThrow(EncryptionConfigError);
    expect(() => parseEncryptionConfig(source)).toThrow(message);
  });

  it('never puts a secret in an error', () => {
    const source = doc('[secrets]', `      - aescbc:\n          keys: [{name: k, secret: "${key.secret.slice(0, 20)}"}]`);
    expect(() => parseEncryptionConfig(source)).toThrow(EncryptionConfigError);
    try {
      parseEncryptionConfig(source);
    } catch (err) {
      expect((err as Error).message).not.toContain(key.secret.slice(0, 20));
    }
  });
});
