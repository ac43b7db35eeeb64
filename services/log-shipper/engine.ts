import { request, type IncomingMessage } from 'node:http';
import type { Stream } from './log-line.js';

// The four calls of Docker's Engine API the shipper makes, over the engine's unix socket with
// node:http. dockerode would bring the BuildKit session's gRPC and protobuf and ssh2 into a
// process that only lists containers and reads logs: a third of the shipper's memory.

/** A container as the engine lists it. */
export interface EngineContainer {
  Id: string;
  State: string;
  Labels: Record<string, string>;
}

/** What the shipper asks of a container engine. */
export interface Engine {
  /** Containers, running or not, carrying every `name=value` label given. */
  list(labels: readonly string[]): Promise<EngineContainer[]>;
  inspect(id: string): Promise<{ running: boolean; tty: boolean }>;
  /** The container's log from `sinceSeconds` on with timestamps, followed: the engine's raw stream (framed unless `tty`). */
  logs(id: string, sinceSeconds: number, signal: AbortSignal): Promise<AsyncIterable<Buffer>>;
}

/** Docker's socket: DOCKER_HOST's when it names a unix socket, else the usual path. */
export function defaultDockerSocket(env: NodeJS.ProcessEnv): string {
  const host = env.DOCKER_HOST;
  return host?.startsWith('unix://') ? host.slice('unix://'.length) : '/var/run/docker.sock';
}

export class DockerEngine implements Engine {
  constructor(private readonly socketPath: string) {}

  async list(labels: readonly string[]): Promise<EngineContainer[]> {
    const filters = encodeURIComponent(JSON.stringify({ label: labels }));
    return JSON.parse(await this.#text(`/containers/json?all=1&filters=${filters}`)) as EngineContainer[];
  }

  async inspect(id: string): Promise<{ running: boolean; tty: boolean }> {
    const info = JSON.parse(await this.#text(`/containers/${encodeURIComponent(id)}/json`)) as { State?: { Running?: boolean }; Config?: { Tty?: boolean } };
    return { running: Boolean(info.State?.Running), tty: Boolean(info.Config?.Tty) };
  }

  logs(id: string, sinceSeconds: number, signal: AbortSignal): Promise<AsyncIterable<Buffer>> {
    return this.#get(`/containers/${encodeURIComponent(id)}/logs?follow=1&stdout=1&stderr=1&timestamps=1&since=${sinceSeconds}`, signal);
  }

  async #text(path: string): Promise<string> {
    const res = await this.#get(path);
    let body = '';
    for await (const chunk of res) body += String(chunk);
    return body;
  }

  /** A GET whose answer is a 2xx; any other status is an error with the engine's message. */
  #get(path: string, signal?: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, path, headers: { host: 'docker' }, ...(signal && { signal }) }, (res) => {
        if ((res.statusCode ?? 500) < 300) return resolve(res);
        let body = '';
        res.on('data', (chunk: Buffer) => (body += String(chunk)));
        res.on('end', () => reject(new Error(`engine ${path.split('?')[0]}: ${res.statusCode} ${body.trim()}`)));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }
}

/**
 * The lines of an engine log stream, by stream. Without a TTY the engine frames its output: a
 * byte naming the stream (1 stdout, 2 stderr), three zero bytes, the payload's length (32-bit
 * big-endian), the payload. A line may span frames and a frame may hold many lines; a last line
 * without its newline is given when the stream ends.
 */
export async function* logLines(source: AsyncIterable<Buffer>, tty: boolean): AsyncGenerator<{ stream: Stream; line: string }> {
  const partial: Record<Stream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  function* split(stream: Stream, data: Buffer): Generator<{ stream: Stream; line: string }> {
    let rest: Buffer = partial[stream].length > 0 ? Buffer.concat([partial[stream], data]) : data;
    for (let nl = rest.indexOf(0x0a); nl >= 0; nl = rest.indexOf(0x0a)) {
      yield { stream, line: rest.subarray(0, nl).toString('utf8').replace(/\r$/, '') };
      rest = rest.subarray(nl + 1);
    }
    // A copy, so the chunk it came from is not kept alive by a few bytes.
    partial[stream] = Buffer.from(rest);
  }
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    if (tty) {
      yield* split('stdout', chunk);
      continue;
    }
    pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 8) {
      const size = pending.readUInt32BE(4);
      if (pending.length < 8 + size) break;
      yield* split(pending[0] === 2 ? 'stderr' : 'stdout', pending.subarray(8, 8 + size));
      pending = pending.subarray(8 + size);
    }
  }
  for (const stream of ['stdout', 'stderr'] as const) if (partial[stream].length > 0) yield { stream, line: partial[stream].toString('utf8') };
}
