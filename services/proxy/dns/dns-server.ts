import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import type { Logger } from 'pino';
import type { ServiceDirectory } from './records.js';
import { respond } from './responder.js';

export interface DnsBind {
  host: string;
  /** 0 picks a free port (the same for UDP and TCP). */
  port: number;
}

interface ClusterDnsOptions {
  binds: DnsBind[];
  directory: ServiceDirectory;
  clusterDomain: string;
  log: Logger;
}

export class DnsBindError extends Error {
  override readonly name = 'DnsBindError';
}

// A TCP client gets this long between messages before we close, and may send at most this many
// bytes at once (a DNS message is at most 64 KiB plus its length prefix).
const TCP_IDLE_MS = 10_000;
const TCP_MAX_BUFFER = 65_537;
// When the OS picked a UDP port that is taken for TCP, try again this many times.
const FREE_PORT_ATTEMPTS = 5;

interface Listener {
  udp: Socket;
  tcp: Server;
  address: DnsBind;
}

/**
 * The cluster DNS: answers names in the cluster domain from the informers' caches over UDP and
 * TCP on each bind address (the Docker bridge gateway for pods, loopback for tests). It never
 * sends a query anywhere: everything outside the cluster domain is REFUSED.
 */
export class ClusterDnsServer {
  private readonly listeners: Listener[] = [];
  private readonly connections = new Set<TcpSocket>();

  constructor(private readonly options: ClusterDnsOptions) {}

  /** Where it listens (ports resolved). */
  get addresses(): DnsBind[] {
    return this.listeners.map((l) => ({ ...l.address }));
  }

  async start(): Promise<void> {
    try {
      for (const bind of this.options.binds) this.listeners.push(await this.listen(bind));
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.options.log.info({ addresses: this.addresses.map((a) => `${a.host}:${a.port}`), domain: this.options.clusterDomain }, 'cluster DNS serving');
  }

  async stop(): Promise<void> {
    for (const socket of this.connections) socket.destroy();
    await Promise.all(
      this.listeners.splice(0).map(
        (l) => new Promise<void>((resolve) => {
          l.udp.close(() => l.tcp.close(() => resolve()));
        }),
      ),
    );
  }

  private async listen(bind: DnsBind): Promise<Listener> {
    for (let attempt = 1; ; attempt++) {
      const udp = await this.bindUdp(bind);
      const port = udp.address().port;
      try {
        const tcp = await this.bindTcp({ host: bind.host, port });
        return { udp, tcp, address: { host: bind.host, port } };
      } catch (err) {
        await new Promise<void>((resolve) => udp.close(() => resolve()));
        if (bind.port !== 0 || attempt >= FREE_PORT_ATTEMPTS) throw err;
      }
    }
  }

  private bindUdp(bind: DnsBind): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.once('error', (err) => reject(bindError('UDP', bind, err)));
      socket.bind(bind.port, bind.host, () => {
        socket.removeAllListeners('error');
        socket.on('error', (err) => this.options.log.warn({ err: err.message }, 'DNS UDP socket error'));
        socket.on('message', (msg, rinfo) => {
          const reply = this.answer(msg, 'udp');
          if (reply) socket.send(reply, rinfo.port, rinfo.address);
        });
        resolve(socket);
      });
    });
  }

  private bindTcp(bind: DnsBind): Promise<Server> {
    return new Promise((resolve, reject) => {
      const server = createServer((socket) => this.serveTcp(socket));
      server.once('error', (err) => reject(bindError('TCP', bind, err)));
      server.listen(bind.port, bind.host, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => this.options.log.warn({ err: err.message }, 'DNS TCP server error'));
        resolve(server);
      });
    });
  }

  /** RFC 1035 4.2.2: each message is preceded by its two-byte length; several may share a connection. */
  private serveTcp(socket: TcpSocket): void {
    this.connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      if (buffered.length > TCP_MAX_BUFFER) {
        socket.destroy();
        return;
      }
      while (buffered.length >= 2) {
        const length = buffered.readUInt16BE(0);
        if (buffered.length < 2 + length) break;
        const message = buffered.subarray(2, 2 + length);
        buffered = buffered.subarray(2 + length);
        const reply = this.answer(message, 'tcp');
        if (!reply) continue;
        const prefix = Buffer.alloc(2);
        prefix.writeUInt16BE(reply.length);
        socket.write(Buffer.concat([prefix, reply]));
      }
    });
  }

  private answer(message: Buffer, transport: 'udp' | 'tcp'): Buffer | undefined {
    try {
      return respond(message, transport, { directory: this.options.directory, clusterDomain: this.options.clusterDomain });
    } catch (err) {
      this.options.log.warn({ err: (err as Error).message }, 'DNS query could not be answered');
      return undefined;
    }
  }
}

function bindError(proto: string, bind: DnsBind, err: Error): DnsBindError {
  const code = (err as NodeJS.ErrnoException).code;
  const where = `${bind.host}:${bind.port}`;
  const hint =
    code === 'EADDRINUSE'
      ? 'another DNS server (or another kubets proxy) is already listening there'
      : code === 'EADDRNOTAVAIL'
        ? 'no interface on this host has that address (is Docker running and its bridge up?)'
        : code === 'EACCES'
          ? 'binding a port below 1024 needs root'
          : err.message;
  return new DnsBindError(`cluster DNS cannot listen on ${proto} ${where}: ${hint}`);
}
