import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeDocument, loadManifests, parseManifestText, type ManifestEntry } from './manifests.js';

const errorOf = (entry: ManifestEntry | undefined): string => (entry && 'error' in entry ? entry.error.message : 'no error');

const mysqlRc = `apiVersion: v1
kind: ReplicationController
metadata:
  name: mysql
spec:
  replicas: 1
  selector:
    app: mysql
  template:
    metadata:
      labels:
        app: mysql
    spec:
      containers:
        - name: mysql
          image: mysql:5.7
`;

describe('parseManifestText', () => {
  it('splits documents and skips empty ones', () => {
    const entries = parseManifestText(`${mysqlRc}---\n---\nkind: Service\napiVersion: v1\nmetadata: {name: mysql}\n`, 'f.yaml');
    expect(entries).toHaveLength(2);
    expect(entries.every((e) => 'document' in e)).toBe(true);
  });

  it("reports a syntax error as kubectl does, counting lines from the document's start, and keeps the other documents", () => {
    const entries = parseManifestText(`${mysqlRc}---\nkind: Service\nmetadata:\n  name: x\n   bad: [\n`, 'bad.yaml');
    expect(entries).toHaveLength(2);
    expect(errorOf(entries[1])).toBe('error parsing bad.yaml: error converting YAML to JSON: yaml: line 4: mapping values are not allowed in this context');
  });

  it('flattens a List', () => {
    const entries = parseManifestText(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'Pod' }, { kind: 'Service' }] }), 'l.json');
    expect(entries).toHaveLength(2);
  });
});

describe('decodeDocument', () => {
  const decode = (value: Record<string, unknown>) => decodeDocument({ source: 'f.yaml', value });

  it('decodes a known kind', () => {
    const [entry] = parseManifestText(mysqlRc, 'mysql-rc.yaml');
    const manifest = decodeDocument((entry as { document: { source: string; value: Record<string, unknown> } }).document);
    expect(manifest.info.kind).toBe('ReplicationController');
    expect(manifest.object.metadata?.name).toBe('mysql');
  });

  it('words mapping errors like kubectl', () => {
    expect(() => decode({ apiVersion: 'v1', kind: 'Foo', metadata: { name: 'x' } })).toThrow(
      'resource mapping not found for name: "x" namespace: "" from "f.yaml": no matches for kind "Foo" in version "v1"\nensure CRDs are installed first',
    );
    expect(() => decode({ apiVersion: 'v2', kind: 'Service', metadata: { name: 'x', namespace: 'd' } })).toThrow(
      /^resource mapping not found for name: "x" namespace: "d" from "f.yaml": no matches for kind "Service" in version "v2"/,
    );
    expect(() => decode({ apiVersion: 'v1', metadata: { name: 'x' } })).toThrow(`unable to decode "f.yaml": Object 'Kind' is missing`);
  });

  it('names unknown fields by their path', () => {
    expect(() => decode({ apiVersion: 'v1', kind: 'ReplicationController', metadata: { name: 'x' }, spec: { replica: 1 } })).toThrow(
      'error validating "f.yaml": error validating data: unknown field "spec.replica"',
    );
  });
});

describe('loadManifests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubets-manifests-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads directories, stdin and files; places objects in the namespace', async () => {
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'd', 'b.yaml'), mysqlRc);
    writeFileSync(join(dir, 'd', 'a.json'), JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'development' } }));
    writeFileSync(join(dir, 'd', 'notes.txt'), 'ignored');
    const { manifests, errors } = await loadManifests([join(dir, 'd'), '-'], {
      stdin: Readable.from([`apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: development}\n`]),
      namespace: 'default',
      namespaceExplicit: false,
      verb: 'create',
    });
    expect(manifests.map((m) => [m.source.replace(dir, ''), m.object.metadata?.name, m.object.metadata?.namespace])).toEqual([
      ['/d/a.json', 'development', undefined],
      ['/d/b.yaml', 'mysql', 'default'],
      ['STDIN', 'p', 'development'],
    ]);
    expect(errors).toEqual([]);
  });

  it('gives nothing to send when any input cannot be read or parsed, as kubectl stops before sending', async () => {
    writeFileSync(join(dir, 'broken.yaml'), `${mysqlRc}---
kind: Service
metadata:
  name: x
   bad: [\n`);
    const opts = { stdin: Readable.from([]), namespace: 'default', namespaceExplicit: false, verb: 'create' };
    const missing = await loadManifests([join(dir, 'd', 'b.yaml'), join(dir, 'missing.yaml')], opts);
    expect(missing.manifests).toEqual([]);
    expect(missing.errors.map((e) => (e as Error).message)).toEqual([`the path "${join(dir, 'missing.yaml')}" does not exist`]);
    const broken = await loadManifests([join(dir, 'broken.yaml')], opts);
    expect(broken.manifests).toEqual([]);
    expect(broken.errors.map((e) => (e as Error).message)).toEqual([expect.stringMatching(/^error parsing .*broken\.yaml: error converting YAML to JSON: yaml: line 4: mapping values are not allowed in this context$/)]);
  });

  it('rejects a manifest namespace that contradicts -n', async () => {
    const { errors } = await loadManifests(['-'], {
      stdin: Readable.from([`apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: development}\n`]),
      namespace: 'default',
      namespaceExplicit: true,
      verb: 'create',
    });
    expect((errors[0] as Error | undefined)?.message).toBe(
      `the namespace from the provided object "development" does not match the namespace "default". You must pass '--namespace=development' to perform this operation.`,
    );
  });
});
