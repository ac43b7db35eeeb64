import { describe, expect, it } from 'vitest';
import { resourceByName } from '../../../lib/api/resources.js';
import { describeObject } from './index.js';

const now = Date.parse('2024-05-10T12:00:00Z');

describe('describeSecret', () => {
  it('shows the size of each value, never the value', () => {
    const secret = { metadata: { name: 'db-pass', namespace: 'default' }, type: 'Opaque', data: { user: Buffer.from('admin'), password: Buffer.from('s3cr3t') } };
    const text = describeObject(resourceByName('secrets')!, secret, { now, events: [] });
    expect(text).toBe(
      ['Name:         db-pass', 'Namespace:    default', 'Labels:       <none>', 'Annotations:  <none>', '', 'Type:  Opaque', '', 'Data', '====', 'password:  6 bytes', 'user:      5 bytes', ''].join('\n'),
    );
    expect(text).not.toContain('s3cr3t');
  });
});

describe('describeConfigMap', () => {
  it('shows each value under its key and binary values by size', () => {
    const cm = { metadata: { name: 'app-config', namespace: 'default' }, data: { b: 'two', a: 'one\nline' }, binaryData: { c: Buffer.from('xyz') } };
    expect(describeObject(resourceByName('configmaps')!, cm, { now, events: [] })).toBe(
      [
        'Name:         app-config',
        'Namespace:    default',
        'Labels:       <none>',
        'Annotations:  <none>',
        '',
        'Data',
        '====',
        'a:',
        '----',
        'one',
        'line',
        '',
        'b:',
        '----',
        'two',
        '',
        '',
        'BinaryData',
        '====',
        'c: 3 bytes',
        '',
        'Events:  <none>',
        '',
      ].join('\n'),
    );
  });
});

describe('describeServiceAccount', () => {
  it('lists pull secrets and mountable secrets, and no stored tokens', () => {
    const sa = { metadata: { name: 'builder', namespace: 'ci' }, imagePullSecrets: [{ name: 'registry' }], secrets: [{ name: 'a' }, { name: 'b' }] };
    expect(describeObject(resourceByName('serviceaccounts')!, sa, { now, events: [] })).toBe(
      [
        'Name:                builder',
        'Namespace:           ci',
        'Labels:              <none>',
        'Annotations:         <none>',
        'Image pull secrets:  registry',
        'Mountable secrets:   a',
        '                     b',
        'Tokens:              <none>',
        'Events:              <none>',
        '',
      ].join('\n'),
    );
  });
});
