import { createSocket } from 'node:dgram';
import { connect } from 'node:net';
import dnsPacket, { type Packet, type RecordType } from 'dns-packet';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Endpoints, Service } from '../../../lib/api/generated/index.js';
import { ClusterDnsServer, DnsBindError } from './dns-server.js';
import { dataOf, directoryOf } from './testing.js';

type Decoded = ReturnType<typeof dnsPacket.decode> & { rcode?: string };

const many = Array.from({ length: 60 }, (_, i) => ({ ip: `172.17.1.${i + 1}` }));
const services: Service[] = [
  { metadata: { name: 'mysql', namespace: 'default' }, spec: { clusterIP: '10.96.0.20', ports: [{ port: 3306 }] } },
  { metadata: { name: 'big', namespace: 'default' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } },
];
const endpoints: Endpoints[] = [{ metadata: { name: 'big', namespace: 'default' }, subsets: [{ addresses: many, ports: [{ port: 80 }] }] }];

const server = new ClusterDnsServer({
  binds: [{ host: '127.0.0.1', port: 0 }],
  directory: directoryOf(services, endpoints),
  clusterDomain: 'cluster.local',
  log: pino({ level: 'silent' }),
});
let port = 0;

beforeAll(async () => {
  await server.start();
  port = server.addresses[0]!.port;
});
afterAll(() => server.stop());

function query(name: string, type: RecordType = 'A', extra: Partial<Packet> = {}): Buffer {
  return dnsPacket.encode({ type: 'query', id: 4242, flags: dnsPacket.RECURSION_DESIRED, questions: [{ type, name }], ...extra });
}

function udp(message: Buffer): Promise<Decoded | undefined> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      resolve(undefined);
    }, 500);
    socket.on('message', (msg) => {
      clearTimeout(timer);
      socket.close();
      resolve(dnsPacket.decode(msg) as Decoded);
    });
    socket.send(message, port, '127.0.0.1', (err) => err && reject(err));
  });
}

function tcp(messages: Buffer[]): Promise<Decoded[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    const out: Decoded[] = [];
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      while (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        out.push(dnsPacket.decode(data.subarray(2, 2 + data.readUInt16BE(0))) as Decoded);
        data = data.subarray(2 + data.readUInt16BE(0));
      }
      if (out.length === messages.length) socket.end(() => resolve(out));
    });
    for (const m of messages) {
      const prefix = Buffer.alloc(2);
      prefix.writeUInt16BE(m.length);
      socket.write(Buffer.concat([prefix, m]));
    }
  });
}

describe('ClusterDnsServer', () => {
  it('answers over UDP with the query id, authoritative, without recursion available', async () => {
    const res = (await udp(query('mysql.default.svc.cluster.local')))!;
    expect(res.id).toBe(4242);
    expect(res.rcode).toBe('NOERROR');
    expect(res.flag_aa).toBe(true);
    expect(res.flag_rd).toBe(true);
    expect(res.flag_ra).toBe(false);
    expect(dataOf(res.answers)).toEqual(['10.96.0.20']);
  });

  it('refuses outside names and says NXDOMAIN for missing cluster names', async () => {
    expect((await udp(query('example.com')))!.rcode).toBe('REFUSED');
    expect((await udp(query('nope.default.svc.cluster.local')))!.rcode).toBe('NXDOMAIN');
  });

  it('answers several queries on one TCP connection', async () => {
    const [a, b] = await tcp([query('mysql.default.svc.cluster.local'), query('example.org', 'AAAA')]);
    expect(dataOf(a!.answers)).toEqual(['10.96.0.20']);
    expect(b!.rcode).toBe('REFUSED');
  });

  it('truncates a UDP answer that does not fit, and gives it whole over TCP', async () => {
    const small = (await udp(query('big.default.svc.cluster.local')))!;
    expect(small.flag_tc).toBe(true);
    expect(small.answers).toEqual([]);
    const [full] = await tcp([query('big.default.svc.cluster.local')]);
    expect(full!.flag_tc).toBe(false);
    expect(full!.answers).toHaveLength(60);
  });

  it('answers FORMERR to garbage and stays silent for responses and runts', async () => {
    const garbage = Buffer.concat([Buffer.from([0x12, 0x34, 0x01, 0x00, 0x00, 0x05]), Buffer.alloc(10, 0xff)]);
    const res = (await udp(garbage))!;
    expect(res.id).toBe(0x1234);
    expect(res.rcode).toBe('FORMERR');
    expect(await udp(dnsPacket.encode({ type: 'response', id: 1, questions: [{ type: 'A', name: 'x.cluster.local' }] }))).toBeUndefined();
    expect(await udp(Buffer.from([1, 2, 3]))).toBeUndefined();
  });

  it('reports a clear error when its address is taken', async () => {
    const second = new ClusterDnsServer({ binds: [{ host: '127.0.0.1', port }], directory: directoryOf([]), clusterDomain: 'cluster.local', log: pino({ level: 'silent' }) });
    await expect(second.start()).rejects.toThrow(DnsBindError);
    await expect(second.start()).rejects.toThrow(/already listening/);
  });
});
