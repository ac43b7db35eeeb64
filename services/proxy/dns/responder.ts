import dnsPacket, { type Answer, type OptAnswer, type Packet } from 'dns-packet';
import { resolveQuestion, type ResponseCode, type ServiceDirectory } from './records.js';

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
type Rcode = keyof typeof RCODE;

const QUERY_OPCODE = 0;
const HEADER_BYTES = 12;
// RFC 1035's limit for UDP without EDNS; with EDNS, the DNS flag day 2020 size.
const CLASSIC_UDP_LIMIT = 512;
const EDNS_UDP_LIMIT = 1232;
const TCP_LIMIT = 65535;

type Transport = 'udp' | 'tcp';

interface ResponderContext {
  directory: ServiceDirectory;
  clusterDomain: string;
}

/**
 * Turns one query message into its response message (wire format), or undefined when nothing
 * should be sent: too short to carry an id, or itself a response (answering those would let
 * two servers bounce packets forever).
 */
export function respond(query: Buffer, transport: Transport, ctx: ResponderContext): Buffer | undefined {
  if (query.length < HEADER_BYTES) return undefined;
  let packet: Packet;
  try {
    packet = dnsPacket.decode(query);
  } catch {
    return headerOnly(query.readUInt16BE(0), 'FORMERR');
  }
  if (packet.type === 'response') return undefined;
  const flags = packet.flags ?? 0;
  const rd = flags & dnsPacket.RECURSION_DESIRED;
  const questions = packet.questions ?? [];
  const opt = (packet.additionals ?? []).find((a): a is OptAnswer => a.type === 'OPT');
  const limit = transport === 'tcp' ? TCP_LIMIT : opt ? Math.max(CLASSIC_UDP_LIMIT, Math.min(opt.udpPayloadSize, EDNS_UDP_LIMIT)) : CLASSIC_UDP_LIMIT;
  const base = { type: 'response' as const, id: packet.id ?? 0, questions, ...(opt ? { ednsAdditional: ednsRecord() } : {}) };
  if (((flags >> 11) & 0xf) !== QUERY_OPCODE) return encode({ ...base, flags: rd | RCODE.NOTIMP }, limit);
  const question = questions[0];
  if (questions.length !== 1 || !question) return encode({ ...base, flags: rd | RCODE.FORMERR }, limit);
  if ((question.class ?? 'IN') !== 'IN') return encode({ ...base, flags: rd | RCODE.REFUSED }, limit);
  const res = resolveQuestion(question.name, question.type, ctx.directory, ctx.clusterDomain);
  return encode(
    {
      ...base,
      flags: rd | (res.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) | RCODE[res.rcode satisfies ResponseCode],
      answers: res.answers,
      authorities: res.authorities,
      additionals: res.additionals,
    },
    limit,
  );
}

interface Draft {
  type: 'response';
  id: number;
  flags: number;
  questions: Packet['questions'];
  answers?: Answer[];
  authorities?: Answer[];
  additionals?: Answer[];
  ednsAdditional?: OptAnswer;
}

function ednsRecord(): OptAnswer {
  return { type: 'OPT', name: '.', udpPayloadSize: EDNS_UDP_LIMIT, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] };
}

/** Encodes the response; one that does not fit is sent without records and flagged truncated, so the client retries over TCP. */
function encode(draft: Draft, limit: number): Buffer {
  const { ednsAdditional, ...rest } = draft;
  const edns = ednsAdditional ? [ednsAdditional] : [];
  const full: Packet = { ...rest, additionals: [...(rest.additionals ?? []), ...edns] };
  const bytes = dnsPacket.encode(full);
  if (bytes.length <= limit) return bytes;
  return dnsPacket.encode({ type: 'response', id: rest.id, flags: rest.flags | dnsPacket.TRUNCATED_RESPONSE, questions: rest.questions, additionals: edns });
}

function headerOnly(id: number, rcode: Rcode): Buffer {
  return dnsPacket.encode({ type: 'response', id, flags: RCODE[rcode], questions: [] });
}
