import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { Container, IntOrString, Probe } from '../../../../lib/api/generated/index.js';
import type { ContainerRuntime } from '../../runtime/types.js';

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeOutcome {
  success: boolean;
  /** What the Unhealthy event shows on failure. */
  output: string;
}

/** Kubernetes' probe defaults (the apiserver applies them; the kubelet repeats them for any source). */
export interface ProbeTiming {
  initialDelaySeconds: number;
  timeoutSeconds: number;
  periodSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export function probeTiming(probe: Probe): ProbeTiming {
  return {
    initialDelaySeconds: probe.initialDelaySeconds ?? 0,
    timeoutSeconds: probe.timeoutSeconds || 1,
    periodSeconds: probe.periodSeconds || 10,
    successThreshold: probe.successThreshold || 1,
    failureThreshold: probe.failureThreshold || 3,
  };
}

class ProbeConfigError extends Error {
  override readonly name = 'ProbeConfigError';
}

const MAX_BODY_BYTES = 10 * 1024;
const USER_AGENT = 'kube-probe/kubets';

interface ProbeTarget {
  container: Container;
  containerId: string;
  podIP: string;
  runtime: Pick<ContainerRuntime, 'runInContainer'>;
}

/** Runs one probe once. Failures are outcomes; only a probe that cannot be run at all throws. */
export async function runProbe(probe: Probe, target: ProbeTarget): Promise<ProbeOutcome> {
  const timeoutMs = probeTiming(probe).timeoutSeconds * 1000;
  if (probe.exec) {
    const command = probe.exec.command ?? [];
    const result = await target.runtime.runInContainer(target.containerId, command, timeoutMs);
    if (result.timedOut) return { success: false, output: `command "${command.join(' ')}" timed out` };
    return { success: result.exitCode === 0, output: result.output };
  }
  if (probe.httpGet) {
    const port = resolvePort(probe.httpGet.port, target.container);
    const scheme = (probe.httpGet.scheme || 'HTTP').toLowerCase() === 'https' ? 'https' : 'http';
    const host = probe.httpGet.host || target.podIP;
    const path = probe.httpGet.path || '/';
    const url = new URL(`${scheme}://${formatHost(host)}:${port}${path.startsWith('/') ? path : `/${path}`}`);
    const headers: Record<string, string> = { 'User-Agent': USER_AGENT, Accept: '*/*' };
    for (const header of probe.httpGet.httpHeaders ?? []) if (header.name) headers[header.name] = header.value ?? '';
    return httpProbe(url, headers, timeoutMs);
  }
  if (probe.tcpSocket) {
    const port = resolvePort(probe.tcpSocket.port, target.container);
    return tcpProbe(probe.tcpSocket.host || target.podIP, port, timeoutMs);
  }
  throw new ProbeConfigError('probe has no handler (exec, httpGet or tcpSocket)');
}

/** A number, a numeric string, or the name of one of the container's ports. */
export function resolvePort(port: IntOrString | undefined, container: Container): number {
  if (port?.intVal !== undefined && port.intVal !== 0) return port.intVal;
  const text = port?.strVal ?? '';
  if (/^\d+$/.test(text)) return Number(text);
  const named = container.ports?.find((p) => p.name === text)?.containerPort;
  if (!named) throw new ProbeConfigError(`couldn't find port: ${text || '0'} in ${container.name ?? ''}`);
  return named;
}

function formatHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

function httpProbe(url: URL, headers: Record<string, string>, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const client = url.protocol === 'https:' ? https : http;
    const request = client.get(url, { headers, timeout: timeoutMs, rejectUnauthorized: false, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_BODY_BYTES) chunks.push(chunk.subarray(0, MAX_BODY_BYTES - size));
        size += chunk.length;
      });
      response.on('end', () => {
        const code = response.statusCode ?? 0;
        const body = Buffer.concat(chunks).toString('utf8');
        if (code >= 200 && code < 400) resolve({ success: true, output: body });
        else resolve({ success: false, output: `HTTP probe failed with statuscode: ${code}` });
      });
      response.on('error', (err) => resolve({ success: false, output: `Get "${url.href}": ${err.message}` }));
    });
    request.on('timeout', () => request.destroy(new Error(`context deadline exceeded (Client.Timeout exceeded while awaiting headers)`)));
    request.on('error', (err) => resolve({ success: false, output: `Get "${url.href}": ${err.message}` }));
  });
}

function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (outcome: ProbeOutcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(timeoutMs, () => done({ success: false, output: `dial tcp ${host}:${port}: i/o timeout` }));
    socket.once('connect', () => done({ success: true, output: '' }));
    socket.once('error', (err) => done({ success: false, output: `dial tcp ${host}:${port}: ${err.message}` }));
  });
}
