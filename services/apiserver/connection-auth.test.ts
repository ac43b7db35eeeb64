import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { packageDefinition } from '../../lib/api/proto.js';
import { connectionAuthContext, type AuthContext } from './connection-auth.js';

const service = packageDefinition['kubets.v1.Resources'] as grpc.ServiceDefinition;

/** A call as grpc-js nests one, on the given HTTP/2 session, counting how often its auth context is built. */
function fakeCall(session: object, built: { count: number }) {
  return {
    call: { stream: { session } },
    getAuthContext: (): AuthContext => {
      built.count++;
      return { transportSecurityType: 'ssl' };
    },
  };
}

let server: grpc.Server | undefined;
const clients: grpc.Client[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  server?.forceShutdown();
});

describe('connectionAuthContext', () => {
  it('builds the auth context once per HTTP/2 session', () => {
    const built = { count: 0 };
    const session = {};
    const first = connectionAuthContext(fakeCall(session, built));
    expect(connectionAuthContext(fakeCall(session, built))).toBe(first);
    expect(built.count).toBe(1);
    connectionAuthContext(fakeCall({}, built));
    expect(built.count).toBe(2);
  });

  it('asks grpc-js on every call when the call does not show its session', () => {
    const built = { count: 0 };
    const call = { getAuthContext: () => (built.count++, {}) };
    connectionAuthContext(call);
    connectionAuthContext(call);
    expect(built.count).toBe(2);
  });

  it("finds the session in grpc-js' own call objects: one connection's calls share it, another connection's do not", async () => {
    const built = { count: 0 };
    server = new grpc.Server();
    server.addService(service, {
      Version: (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
        const getAuthContext = call.getAuthContext.bind(call);
        call.getAuthContext = () => (built.count++, getAuthContext());
        connectionAuthContext(call);
        callback(null, { major: '1' });
      },
    });
    const port = await new Promise<number>((resolve, reject) => server!.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
    // Each client on a connection of its own (grpc-js shares one between equal channels otherwise).
    const connect = () => {
      const c = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
      clients.push(c);
      const { path, requestSerialize, responseDeserialize } = service.Version!;
      return { version: () => new Promise((resolve, reject) => c.makeUnaryRequest(path, requestSerialize, responseDeserialize, {}, (err, res) => (err ? reject(err) : resolve(res)))) };
    };
    const one = connect();
    for (let i = 0; i < 3; i++) await one.version();
    expect(built.count).toBe(1);
    await connect().version();
    expect(built.count).toBe(2);
  });
});
