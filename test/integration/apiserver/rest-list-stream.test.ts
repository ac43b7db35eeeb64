import { request as httpsRequest } from 'node:https';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeKubeProtobuf, PROTOBUF_TYPE } from '../../../services/apiserver/rest/kube-protobuf.js';
import type { ControlPlane } from '../../harness/control-plane.js';
import { useControlPlane } from '../../harness/use-control-plane.js';
import { configMap, etcdClient, nsObject } from './helpers.js';
import { kubectlOk, requireKubectl, restRequest, restServer, writeKubeconfig } from './rest-helpers.js';

// Lists over HTTP longer than one chunk are streamed item by item (chunked, no Content-Length):
// the bytes are those of the list built whole, for JSON, Tables and pages; an object that fails
// after the first bytes are out cuts the connection, so no client takes a short list for whole.

const NS = 'streamed';
const BROKEN_NS = 'streamed-broken';
/** Enough that even a Table of them (a row's metadata each) is longer than a chunk. */
const COUNT = 300;
/** Enough that a list of them is several times longer than a chunk. */
const DATA = { text: 'x'.repeat(1500) };
const names = Array.from({ length: COUNT }, (_, i) => `cm-${String(i).padStart(3, '0')}`);
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

interface Streamed {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Whether the body ended as a complete response, rather than with the connection cut. */
  complete: boolean;
}

function get(cp: ControlPlane, path: string, accept = 'application/json'): Promise<Streamed> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${restServer(cp)}${path}`, { ca: cp.caPem, headers: { Authorization: `Bearer ${cp.token}`, Accept: accept } }, (res) => {
      let text = '';
      let complete = false;
      res.on('data', (d: Buffer) => (text += d.toString()));
      res.on('end', () => (complete = true));
      res.on('error', () => undefined);
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, complete }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP lists streamed', () => {
  const f = useControlPlane();

  beforeAll(async () => {
    const cms = f.client.resource('configMap');
    for (const ns of [NS, BROKEN_NS]) await f.client.resource('namespace').create(nsObject(ns));
    await Promise.all(names.map((name) => cms.create(configMap(name, NS, { app: 'web' }, DATA))));
    // More than the server queues for a client before it waits for it, so the first bytes are out when it fails.
    await Promise.all(names.slice(0, 100).map((name) => cms.create(configMap(name, BROKEN_NS, undefined, { text: 'y'.repeat(15_000) }))));
    // Sorted after every other object of its namespace, so the list fails well after its first chunk.
    await cms.create(configMap('zz-bad', BROKEN_NS, undefined, { k: 'v' }));
    const etcd = etcdClient(f.cp);
    try {
      const key = `/registry/configmaps/${BROKEN_NS}/zz-bad`;
      const value = (await etcd.get(key).buffer())!;
      // The data entry's key tag becomes a field of wire type 7, which no protobuf value has:
      // the object's name still decodes, the object does not.
      const at = value.indexOf(Buffer.from([0x0a, 0x01, 0x6b, 0x12, 0x01, 0x76]));
      expect(at).toBeGreaterThan(0);
      value[at] = 0x1f;
      await etcd.put(key).value(value);
    } finally {
      etcd.close();
    }
  });

  /** The objects one by one, as GET answers each: what a list built whole holds. */
  async function objects(selected: string[]): Promise<unknown[]> {
    return Promise.all(selected.map(async (name) => (await restRequest(f.cp, 'GET', `/api/v1/namespaces/${NS}/configmaps/${name}`)).json()));
  }

  it('streams a JSON list whose bytes are those of the list built whole', async () => {
    const list = await get(f.cp, `/api/v1/namespaces/${NS}/configmaps`);
    expect(list.status).toBe(200);
    expect(list.complete).toBe(true);
    expect(list.headers['transfer-encoding']).toBe('chunked');
    expect(list.headers['content-length']).toBeUndefined();
    const { metadata } = JSON.parse(list.text) as { metadata: { resourceVersion: string } };
    expect(Object.keys(metadata)).toEqual(['resourceVersion']);
    expect(list.text).toBe(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMapList', metadata, items: await objects(names) }));
  });

  it('streams pages with their continue token and remainingItemCount, and they join up to the whole list', async () => {
    const pages: string[] = [];
    let cont = '';
    do {
      const page = await get(f.cp, `/api/v1/namespaces/${NS}/configmaps?limit=120${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      expect(page.complete).toBe(true);
      expect(page.headers['transfer-encoding']).toBe('chunked');
      pages.push(page.text);
      cont = (JSON.parse(page.text) as { metadata: { continue?: string } }).metadata.continue ?? '';
    } while (cont);
    expect(pages).toHaveLength(3);
    const first = JSON.parse(pages[0]!) as { metadata: { resourceVersion: string; continue: string; remainingItemCount: number } };
    expect(first.metadata).toEqual({ resourceVersion: expect.any(String), continue: expect.any(String), remainingItemCount: COUNT - 120 });
    expect(pages[0]).toBe(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: first.metadata, items: await objects(names.slice(0, 120)) }));
    const items = pages.flatMap((p) => (JSON.parse(p) as { items: { metadata: { name: string } }[] }).items.map((i) => i.metadata.name));
    expect(items).toEqual(names);
  });

  it('streams a Table, as kubectl get asks for it, with a row per object', async () => {
    const table = await get(f.cp, `/api/v1/namespaces/${NS}/configmaps`, TABLE);
    expect(table.headers['transfer-encoding']).toBe('chunked');
    expect(table.complete).toBe(true);
    const body = JSON.parse(table.text) as { kind: string; columnDefinitions: unknown[]; rows: { cells: unknown[]; object: { kind: string; metadata: { name: string } } }[] };
    expect(body.kind).toBe('Table');
    // The columns are those of a Table short enough to be sent whole.
    const short = (await restRequest(f.cp, 'GET', `/api/v1/namespaces/${NS}/configmaps?limit=1`, undefined, { Accept: TABLE })).json<{ columnDefinitions: unknown[] }>();
    expect(body.columnDefinitions).toEqual(short.columnDefinitions);
    expect(body.rows.map((r) => r.object.metadata.name)).toEqual(names);
    expect(body.rows[0]!.object.kind).toBe('PartialObjectMetadata');

    requireKubectl();
    const out = await kubectlOk(writeKubeconfig(f.cp, 'stream'), ['get', 'configmaps', '-n', NS, '--no-headers']);
    expect(out.trim().split('\n').map((line) => line.split(/\s+/)[0])).toEqual(names);
  });

  it('writes a protobuf list, for a client that takes nothing else, with its length', async () => {
    const list = await new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
      const req = httpsRequest(`${restServer(f.cp)}/api/v1/namespaces/${NS}/configmaps`, { ca: f.cp.caPem, headers: { Authorization: `Bearer ${f.cp.token}`, Accept: PROTOBUF_TYPE } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toBe(PROTOBUF_TYPE);
    expect(Number(list.headers['content-length'])).toBe(list.body.length);
    const { kind, object } = decodeKubeProtobuf(list.body);
    expect(kind).toBe('ConfigMapList');
    const items = object.items as { metadata: { name: string }; data: Record<string, string> }[];
    expect(items.map((i) => i.metadata.name)).toEqual(names);
    expect(items[0]!.data).toEqual(DATA);
  });

  it('cuts the connection when an object fails after the list began, and answers a Status when it fails before', async () => {
    const cut = await get(f.cp, `/api/v1/namespaces/${BROKEN_NS}/configmaps`);
    expect(cut.status).toBe(200);
    expect(cut.text.startsWith('{"apiVersion":"v1","kind":"ConfigMapList"')).toBe(true);
    expect(cut.complete).toBe(false);
    expect(() => JSON.parse(cut.text)).toThrow();

    const early = await get(f.cp, `/api/v1/namespaces/${BROKEN_NS}/configmaps?fieldSelector=metadata.name%3Dzz-bad`);
    expect(early.status).toBe(500);
    expect(early.complete).toBe(true);
    expect(JSON.parse(early.text)).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
  });
});
