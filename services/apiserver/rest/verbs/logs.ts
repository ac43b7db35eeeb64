import type { ServerResponse } from 'node:http';
import { Writable } from 'node:stream';
import type * as t from '../../../../lib/api/generated/index.js';
import type { ResourceCall } from '../call.js';
import { flag, integerParam } from '../query.js';

// GET pods/<name>/log: the kubelet's log stream relayed as plain text, through the same kubelet
// proxy as gRPC's Logs. The response starts with the first chunk, so a failure before any output
// (no such pod, no node yet, kubelet unreachable) still reaches the client as a Status.

function startText(res: ServerResponse): void {
  if (!res.headersSent) res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private' });
}

export async function podLogs(call: ResourceCall): Promise<void> {
  const { query, res } = call;
  const req: t.LogsRequest = {
    namespace: call.target.namespace,
    name: call.target.name,
    container: query.get('container') ?? '',
    follow: flag(query, 'follow'),
    previous: flag(query, 'previous'),
    timestamps: flag(query, 'timestamps'),
    tailLines: integerParam('tailLines', query.get('tailLines')),
    sinceSeconds: integerParam('sinceSeconds', query.get('sinceSeconds')),
  };
  const out = new Writable({
    objectMode: true,
    write(chunk: t.LogChunk, _encoding, done) {
      startText(res);
      if (res.write(chunk.data ?? Buffer.alloc(0))) done();
      else res.once('drain', () => done());
    },
  });
  await call.logs(req, out, call.abort.signal);
  startText(res);
  res.end();
}
