import * as http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { etcdChannelOptions } from './etcd-client.js';

// The window an etcd member may fill before the apiserver reads: a busy apiserver reads once per
// event-loop turn, so this bounds how fast the watch caches hear of writes.
describe('etcdChannelOptions', () => {
  let server: http2.Http2Server | undefined;
  let client: grpc.Client | undefined;
  afterEach(() => {
    client?.close();
    server?.close();
  });

  it('lets etcd send megabytes of watch events ahead of the apiserver reading them, not HTTP/2\'s 64 KiB', async () => {
    server = http2.createServer();
    const settings = new Promise<http2.Settings>((resolve) => {
      server!.on('session', (session) => session.once('remoteSettings', resolve));
    });
    server.on('stream', (stream) => stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true }));
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), etcdChannelOptions());
    client.makeServerStreamRequest('/etcdserverpb.Watch/Watch', (b: Buffer) => b, (b: Buffer) => b, Buffer.alloc(0)).on('error', () => undefined);
    expect((await settings).initialWindowSize).toBeGreaterThanOrEqual(8 * 1024 * 1024);
  });
});
