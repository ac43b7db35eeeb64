import { describe, expect, it } from 'vitest';
import { acceptsAggregatedDiscovery, parseBody, responseFormat } from './negotiation.js';

describe('responseFormat', () => {
  it.each([
    [undefined, 'json'],
    ['*/*', 'json'],
    ['application/json', 'json'],
    ['application/yaml', 'yaml'],
    // kubectl get: a Table first, plain JSON as the fallback.
    ['application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json', 'table'],
    // Aggregated discovery is not served: the plain JSON it falls back to is.
    ['application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json', 'json'],
    // Protobuf responses are not written: the JSON the client takes after it is.
    ['application/vnd.kubernetes.protobuf, */*', 'json'],
    ['application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/yaml', 'yaml'],
    // Protobuf is written only to a client that takes nothing else.
    ['application/vnd.kubernetes.protobuf,application/json', 'json'],
    ['application/vnd.kubernetes.protobuf', 'protobuf'],
  ])('%s → %s', (accept, format) => {
    expect(responseFormat(accept)).toEqual(format === 'table' ? { encoding: 'json', table: true } : { encoding: format, table: false });
  });
});

describe('parseBody', () => {
  it('reads JSON and YAML', () => {
    expect(parseBody('{"a":1}', 'application/json')).toEqual({ a: 1 });
    expect(parseBody('a: 1\n', 'application/yaml')).toEqual({ a: 1 });
  });

  it('refuses empty and malformed bodies as BadRequest and other media types as 415', () => {
    expect(() => parseBody('  ', 'application/json')).toThrow('the request carries no object');
    expect(() => parseBody('{', 'application/json')).toThrow('error decoding JSON: unexpected end of JSON input');
    expect(() => parseBody('{"kind":"Pod" "x"}', 'application/json')).toThrow(`error decoding JSON: invalid character '"' after object key:value pair`);
    expect(() => parseBody('<x/>', 'application/xml')).toThrow(expect.objectContaining({ reason: 'UnsupportedMediaType' }));
  });
});

describe('acceptsAggregatedDiscovery', () => {
  it('is true only when the client lists apidiscovery.k8s.io/v2', () => {
    expect(acceptsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json')).toBe(true);
    expect(acceptsAggregatedDiscovery('application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json')).toBe(false);
    expect(acceptsAggregatedDiscovery('application/json')).toBe(false);
    expect(acceptsAggregatedDiscovery(undefined)).toBe(false);
  });
});
