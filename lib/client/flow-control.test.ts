import * as grpc from '@grpc/grpc-js';
import { expect, it } from 'vitest';
import { useBareResourcesServer } from './testing/bare-resources-server.js';

const EVENTS = 40;
const EVENT_DATA_BYTES = 64 * 1024;

const { serve } = useBareResourcesServer();

it('takes megabytes of a watch before its consumer reads, so a burst is not sent 64 KiB per window update', async () => {
  let allFlushed!: () => void;
  const flushed = new Promise<void>((resolve) => (allFlushed = resolve));
  const client = await serve({
    Watch: (call: grpc.ServerWritableStream<unknown, unknown>) => {
      let done = 0;
      for (let i = 0; i < EVENTS; i++) {
        const object = { configMap: { metadata: { name: `cm-${i}`, namespace: 'ns', resourceVersion: String(i + 1) }, data: { k: 'x'.repeat(EVENT_DATA_BYTES) } } };
        // The callback runs once the message is handed to the connection, which flow control holds up.
        call.write({ type: 'ADDED', object }, () => {
          if (++done === EVENTS) allFlushed();
        });
      }
    },
  });
  const events = client.resource('configMap').watch('ns');
  // One event read, then none until the server has written all 2.5 MiB.
  expect((await events.next()).value?.object.metadata?.name).toBe('cm-0');
  await flushed;
  let last = '';
  for (let i = 1; i < EVENTS; i++) last = (await events.next()).value?.object.metadata?.name ?? '';
  expect(last).toBe(`cm-${EVENTS - 1}`);
  await events.return(undefined);
});
