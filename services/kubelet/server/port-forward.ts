import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import type * as grpc from '@grpc/grpc-js';
import { ApiError, badRequest } from '../../../lib/api/errors.js';
import type { PortForwardFrame, PortForwardStart } from '../../../lib/api/generated/index.js';
import type { PortForwardFrame__Output } from '../../../lib/api/generated/kubets/v1/PortForwardFrame.js';
import { podIdentity } from '../runtime/container-config.js';
import type { ContainerRuntime } from '../runtime/types.js';
import type { PodFinder } from './container-lookup.js';
import { firstFrame } from './first-frame.js';

// One forwarded TCP connection: the kubelet connects to the port at the pod's IP (reachable from
// the node, in the node's network namespace) and copies bytes both ways, half-closes included.
// Unlike Kubernetes' runtimes, which connect from inside the pod's namespace, a port that the pod
// serves on its loopback only cannot be reached this way.

type PortForwardCall = grpc.ServerDuplexStream<PortForwardFrame__Output, PortForwardFrame>;

async function podAddress(findPod: PodFinder, runtime: ContainerRuntime, start: PortForwardStart): Promise<string> {
  const namespace = start.namespace || 'default';
  const name = start.name ?? '';
  const pod = findPod(namespace, name);
  if (!pod) throw new ApiError('NotFound', `pod "${name}" not found on this node`, { name, kind: 'pods' });
  const status = await runtime.getPodStatus(podIdentity(pod));
  const ip = status.sandboxes.find((s) => s.ready && s.ip)?.ip;
  if (!ip) throw badRequest(`pod ${name} has no running sandbox with an IP address`);
  return ip;
}

function openSocket(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, allowHalfOpen: true });
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

export async function runPortForward(call: PortForwardCall, findPod: PodFinder, runtime: ContainerRuntime): Promise<void> {
  const start = await firstFrame<PortForwardStart, PortForwardFrame__Output>(call, 'port-forward');
  const port = start.port ?? 0;
  if (port < 1 || port > 65535) throw badRequest(`invalid port ${port}: must be between 1 and 65535`);
  const host = await podAddress(findPod, runtime, start);
  let socket: Socket;
  try {
    socket = await openSocket(host, port);
  } catch (err) {
    throw badRequest(`error forwarding port ${port} to pod ${start.name}: ${(err as Error).message}`);
  }
  call.once('cancelled', () => socket.destroy());
  call.on('data', (frame: PortForwardFrame__Output) => {
    if (frame.data && !socket.write(frame.data)) {
      call.pause();
      socket.once('drain', () => call.resume());
    } else if (frame.close) socket.end();
  });
  call.once('end', () => socket.end());
  call.resume();
  socket.on('data', (chunk: Buffer) => {
    if (!call.write({ data: chunk })) {
      socket.pause();
      call.once('drain', () => socket.resume());
    }
  });
  await once(socket, 'end');
  call.write({ close: true });
  if (!socket.writableEnded) await once(socket, 'close').catch(() => undefined);
}
