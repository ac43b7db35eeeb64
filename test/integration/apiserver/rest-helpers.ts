import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { request as httpsRequest } from 'node:https';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { buildKubeconfig } from '../../../lib/kubeconfig.js';
import type { ControlPlane } from '../../harness/control-plane.js';

// Shared by the HTTP API tests: a kubeconfig for the test apiserver and the real kubectl binary.

export const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.32';

/** Fails the suite clearly when the kubectl these tests drive is not installed. */
export function requireKubectl(): void {
  if (!existsSync(KUBECTL)) throw new Error(`kubectl 1.32 not found at ${KUBECTL}: these tests drive the real kubectl binary against the HTTP API`);
}

export function restServer(cp: ControlPlane, index = 0): string {
  return `https://127.0.0.1:${cp.apiservers[index]!.restPort}`;
}

/** Writes a kubeconfig for the control plane's first apiserver (with the admin token unless given another; none for ''). */
export function writeKubeconfig(cp: ControlPlane, name: string, token = cp.token): string {
  const path = join(cp.dataDir, `${name}.kubeconfig`);
  writeFileSync(path, stringify(buildKubeconfig([{ name: 'test', server: restServer(cp), caPem: cp.caPem, token }])));
  return path;
}

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts kubectl on the kubeconfig, with its home and discovery cache beside it (never the user's). */
export function spawnKubectl(kubeconfig: string, args: string[], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const home = dirname(kubeconfig);
  return spawn(KUBECTL, ['--kubeconfig', kubeconfig, '--cache-dir', join(home, 'kube-cache'), ...args], { env: { PATH: process.env.PATH ?? '', HOME: home, ...env } });
}

/** Runs kubectl to completion, with an optional stdin and extra environment. */
export function kubectl(kubeconfig: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawnKubectl(kubeconfig, args, env);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Runs kubectl and returns its output, failing with its stderr when it exits non-zero. */
export async function kubectlOk(kubeconfig: string, args: string[], input?: string, env: Record<string, string> = {}): Promise<string> {
  const r = await kubectl(kubeconfig, args, input, env);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export interface RestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: <T = Record<string, unknown>>() => T;
}

/** One HTTP request to the first apiserver's HTTP API, with the admin token unless headers say otherwise. */
export function restRequest(cp: ControlPlane, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RestResponse> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      `${restServer(cp)}${path}`,
      {
        method,
        ca: cp.caPem,
        // With a length, as Node sends the body of a DELETE neither chunked nor measured otherwise.
        headers: { Authorization: `Bearer ${cp.token}`, ...(payload === undefined ? {} : { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }), ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A watch over HTTP: the decoded WatchEvent lines as they arrive, until stop(). */
export function restWatch(cp: ControlPlane, path: string): { events: { type: string; object: Record<string, any> }[]; ended: Promise<void>; stop: () => void } {
  const events: { type: string; object: Record<string, any> }[] = [];
  let end = (): void => undefined;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const req = httpsRequest(`${restServer(cp)}${path}`, { ca: cp.caPem, headers: { Authorization: `Bearer ${cp.token}` } }, (res) => {
    res.on('end', end);
    let buffered = '';
    res.on('data', (d: Buffer) => {
      buffered += d.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffered.slice(0, newline)));
        buffered = buffered.slice(newline + 1);
      }
    });
    res.on('error', () => undefined);
  });
  req.on('error', () => undefined);
  req.end();
  return { events, ended, stop: () => req.destroy() };
}
