import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LABEL_CLUSTER, LABEL_CONTAINER_NAME, LABEL_NODE, LABEL_POD_NAME, LABEL_POD_NAMESPACE } from '../../lib/container-labels.js';
import type { Engine, EngineContainer } from './engine.js';
import { LogShipper } from './shipper.js';

/** An engine holding exited containers, each with its log lines; it filters by label as Docker does. */
function fakeEngine(containers: { container: EngineContainer; lines: string[] }[]): Engine {
  return {
    list: async (labels) => containers.map((c) => c.container).filter((c) => labels.every((l) => { const [k, v] = l.split('='); return c.Labels[k!] === v; })),
    inspect: async () => ({ running: false, tty: true }),
    logs: async (id) => (async function* () { yield Buffer.from(containers.find((c) => c.container.Id === id)!.lines.map((l) => `2026-12-06T08:00:00.${l.length}Z ${l}\n`).join('')); })(),
  };
}

const container = (id: string, pod: string, labels: Record<string, string>): EngineContainer => ({
  Id: id, State: 'exited', Labels: { [LABEL_POD_NAME]: pod, [LABEL_POD_NAMESPACE]: 'default', [LABEL_CONTAINER_NAME]: 'app', ...labels },
});

/** A stand-in for systemd-journal-remote: the MESSAGE fields of what it was sent. */
async function journalStore(): Promise<{ server: Server; url: string; messages: string[] }> {
  const messages: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += String(c)));
    req.on('end', () => {
      for (const m of body.matchAll(/^MESSAGE=(.*)$/gm)) messages.push(m[1]!);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/upload`, messages };
}

const dir = mkdtempSync(join(tmpdir(), 'kubets-shipper-'));
let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup) await c();
  cleanup = [];
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function ship(engine: Engine, clusterId: string | undefined): Promise<string[]> {
  const store = await journalStore();
  const shipper = new LogShipper({ engine, nodeName: 'n1', ...(clusterId && { clusterId }), url: store.url, stateFile: join(dir, `${clusterId ?? 'none'}.json`), relistIntervalMs: 20, flushIntervalMs: 20, log: pino({ level: 'silent' }) });
  cleanup.push(async () => {
    await shipper.stop();
    store.server.close();
  });
  await shipper.start();
  await new Promise((r) => setTimeout(r, 300));
  return store.messages;
}

describe('the log shipper', () => {
  // Two clusters on one engine may both have a node named n1.
  const engine = fakeEngine([
    { container: container('a', 'mine', { [LABEL_NODE]: 'n1', [LABEL_CLUSTER]: 'c1' }), lines: ['from cluster one'] },
    { container: container('b', 'theirs', { [LABEL_NODE]: 'n1', [LABEL_CLUSTER]: 'c2' }), lines: ['from cluster two'] },
    { container: container('c', 'loose', { [LABEL_NODE]: 'n1' }), lines: ['from no cluster'] },
    { container: container('d', 'elsewhere', { [LABEL_NODE]: 'n2', [LABEL_CLUSTER]: 'c1' }), lines: ['from node two'] },
  ]);

  it("ships only its own cluster's containers of its node", async () => {
    expect(await ship(engine, 'c1')).toEqual(['from cluster one']);
  });

  it("without a cluster ID, leaves every cluster's containers alone", async () => {
    expect(await ship(engine, undefined)).toEqual(['from no cluster']);
  });
});
