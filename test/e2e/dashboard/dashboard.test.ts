// The web dashboard in a real browser against a whole local cluster (`kubets up`, with a kubelet
// running real containers, and the monitoring add-on's Prometheus): Debian's Chromium, headless,
// driven by puppeteer-core. The usage charts hold real series from Prometheus. A wrong token
// is refused; with the admin token a Deployment made by the CLI appears without a reload, is
// scaled from the page (its pods follow), and a pod's log is followed; a token without rights
// sees the API's Forbidden. Each page's screenshot is saved in SCREENSHOTS (git-ignored), which
// the run prints. Traffic goes only to loopback and to the pods this test makes.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, Node } from '../../../lib/api/generated/index.js';
import { launchChromium } from '../../harness/chromium.js';
import { pollUntil } from '../../harness/poll.js';
import { freeApiserverPort, freeEtcdPort, freeKubeletPort, freePort } from '../../harness/ports.js';
import { REPO_ROOT } from '../cli/cli-harness.js';
import { clusterCli } from '../cluster-cli.js';

const SUFFIX = Math.random().toString(36).slice(2, 7);
const NODE = `dash-${SUFFIX}`;
const APP = `web-${SUFFIX}`;
const SCREENSHOTS = join(REPO_ROOT, 'test', 'e2e', 'dashboard', 'screenshots');

const { dataDir, env, kubets, ok, holdHostNetwork, tearDownAfterAll } = clusterCli('dashboard');
let browser: Browser | undefined;
let page: Page;
let url = '';
let adminToken = '';

/** Waiting on real containers on a loaded two-core machine takes a while. */
const STEP_MS = 180_000;
const WAIT = { timeout: 120_000 };

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** The text of every element matching `selector`, as the page shows it now. */
function texts(selector: string): Promise<string[]> {
  return page.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''));
}

const deployment = (replicas: number): string => `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${APP}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: ${APP}}
  template:
    metadata:
      labels: {app: ${APP}}
    spec:
      terminationGracePeriodSeconds: 1
      containers:
      - name: printer
        image: kubets/busybox:1.36
        command: ['sh', '-c', 'i=0; while true; do echo "dashboard-line $i"; i=$((i+1)); sleep 1; done']
`;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  process.stdout.write(`dashboard screenshots: ${SCREENSHOTS}\n`);
  await holdHostNetwork(1_500_000);
  const [port, etcdPort, kubeletPort, prometheusPort] = [await freeApiserverPort(), await freeEtcdPort(), await freeKubeletPort(), await freePort()];
  // With the monitoring add-on, so the usage charts are drawn from the real Prometheus (scraping every 2 s here).
  await ok(
    ['up', '--detach', '--node-name', NODE, '--data-dir', dataDir, '--port', String(port), '--etcd-port', String(etcdPort), '--kubelet-port', String(kubeletPort),
      '--addons', 'monitoring', '--prometheus-port', String(prometheusPort), '--prometheus-scrape-interval', '2s', '--kubelet-arg', 'stats-interval=2'],
    180_000,
  );
  await pollUntil(
    async () => {
      const nodes = JSON.parse(await ok(['get', 'nodes', '-o', 'json'])) as { items: Node[] };
      return nodes.items.some((n) => n.metadata?.name === NODE && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    },
    { timeoutMs: 180_000, intervalMs: 1_000, what: `node ${NODE} Ready` },
  );
  const printed = /dashboard: (https:\/\/\S+)/.exec(readFileSync(join(dataDir, 'up.log'), 'utf8'));
  expect(printed, 'kubets up prints the dashboard URL').toBeTruthy();
  url = printed![1]!;
  const config = JSON.parse(readFileSync(env.KUBETS_CONFIG!, 'utf8')) as { contexts: Record<string, { token: string; caData: string }> };
  const context = Object.values(config.contexts)[0]!;
  adminToken = context.token;
  browser = await launchChromium(url, context.caData);
  page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
}, 2_000_000);

tearDownAfterAll({ downArgs: ['--node-name', NODE], downTimeoutMs: 120_000, beforeDown: () => browser?.close() });

async function logIn(token: string): Promise<void> {
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  await page.evaluate(() => sessionStorage.clear());
  await page.reload({ waitUntil: 'domcontentloaded' });
  await page.waitForSelector('[data-testid="token"]', WAIT);
  await page.type('[data-testid="token"]', token);
  await page.click('[data-testid="login"]');
}

describe('the dashboard in Chromium', () => {
  it('refuses a wrong token', async () => {
    await logIn('not-a-token-of-this-cluster');
    await page.waitForSelector('[role="alert"]', WAIT);
    expect((await texts('[role="alert"]')).join()).toContain('Login refused');
    expect(await page.$('[data-testid="nav-workloads"]')).toBeNull();
    await shot('login-refused');
  }, STEP_MS);

  it('shows a Deployment the CLI creates, live, with its pods', async () => {
    await logIn(adminToken);
    await page.waitForSelector('[data-testid="pods"]', WAIT);
    // Set on this document: a reload would lose it, so it proves the Deployment came by the watch.
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await ok(['create', '-f', '-'], { stdin: deployment(1) });
    await page.waitForSelector(`[data-testid="workload-Deployment-${APP}"]`, WAIT);
    await page.waitForFunction((app) => [...document.querySelectorAll(`[data-testid="pods-of-${app}"] [data-testid="workload-pod"]`)].some((p) => p.textContent?.includes('Running')), WAIT, APP);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await shot('workloads');
  }, STEP_MS);

  it('scales the Deployment from the page, and the pods follow', async () => {
    const podLinks = `[data-testid="pods-of-${APP}"] [data-testid="workload-pod"]`;
    const scaleTo = async (replicas: number): Promise<void> => {
      const input = await page.waitForSelector(`[data-testid="scale-${APP}"]`, WAIT);
      await input!.click({ clickCount: 3 });
      await input!.type(String(replicas));
      await page.click(`[data-testid="scale-button-${APP}"]`);
    };
    await scaleTo(3);
    await page.waitForFunction((sel) => [...document.querySelectorAll(sel)].filter((p) => p.textContent?.includes('Running')).length === 3, WAIT, podLinks);
    const d = JSON.parse(await ok(['get', 'deployment', APP, '-o', 'json'])) as Deployment;
    expect(d.spec?.replicas).toBe(3);
    await shot('workloads-scaled-up');
    await scaleTo(1);
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 1, WAIT, podLinks);
    await shot('workloads-scaled-down');
  }, STEP_MS);

  it("follows a pod's log", async () => {
    await page.click(`[data-testid="pods-of-${APP}"] [data-testid="workload-pod"]`);
    await page.waitForFunction(() => document.querySelector('[data-testid="logs"]')?.textContent?.includes('dashboard-line'), WAIT);
    const last = async (): Promise<number> => Math.max(...[...(await texts('[data-testid="logs"]')).join().matchAll(/dashboard-line (\d+)/g)].map((m) => Number(m[1])));
    const first = await last();
    // Following: later lines arrive on the same page without asking again.
    await pollUntil(async () => (await last()) > first + 1, { timeoutMs: 60_000, intervalMs: 500, what: 'newer log lines' });
    await shot('logs');
  }, STEP_MS);

  it("draws the nodes' and the busiest pods' CPU and memory from Prometheus", async () => {
    await page.click('[data-testid="nav-nodes"]');
    // The page asks Prometheus again every 30 s; the first answers may come before its first scrapes.
    await page.waitForFunction(() => document.querySelector('[data-testid="chart-source"]')?.textContent?.includes('From Prometheus'), { timeout: 240_000 });
    const charts = ['chart-cpu', 'chart-memory', 'chart-pod-cpu', 'chart-pod-memory'];
    await page.waitForFunction(
      (ids, app) => ids.every((id) => Number(document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-points')) > 0)
        && (document.querySelector('[data-testid="chart-pod-cpu"]')?.getAttribute('data-series') ?? '').includes(`default/${app}-`),
      { timeout: 240_000 }, charts, APP,
    );
    // uPlot is loaded on demand: the canvases follow the numbers.
    await page.waitForFunction((count) => document.querySelectorAll('[data-testid^="chart-"] canvas').length === count, WAIT, charts.length);
    expect(await page.$eval('[data-testid="chart-cpu"]', (e) => e.getAttribute('data-series'))).toBe(NODE);
    await shot('usage-from-prometheus');
  }, 300_000);

  it('shows nodes, namespaces, services and events', async () => {
    await page.click('[data-testid="nav-nodes"]');
    await page.waitForFunction((node) => [...document.querySelectorAll('[data-testid="nodes"] tr')].some((r) => r.textContent?.includes(node) && r.textContent.includes('Ready')), WAIT, NODE);
    await page.waitForSelector('[data-testid="chart-source"]', WAIT);
    await shot('nodes');
    await page.click('[data-testid="nav-namespaces"]');
    await page.waitForFunction(() => ['default', 'kube-system'].every((ns) => document.querySelector('[data-testid="namespaces"]')?.textContent?.includes(ns)), WAIT);
    await shot('namespaces');
    await page.click('[data-testid="nav-network"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="services"]')?.textContent?.includes('kubernetes'), WAIT);
    await shot('services');
    await page.click('[data-testid="nav-events"]');
    await page.waitForFunction((app) => document.querySelector('[data-testid="events"]')?.textContent?.includes(app), WAIT, APP);
    await shot('events');
  }, STEP_MS);

  it('creates from pasted YAML, and refuses invalid YAML with the CLI\'s words', async () => {
    const invalid = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: Not_Valid-${SUFFIX}\ndata: {a: b}\n`;
    const cli = await kubets(['create', '-f', '-'], { stdin: invalid });
    expect(cli.code).not.toBe(0);
    await page.click('[data-testid="nav-create"]');
    await page.waitForSelector('[data-testid="yaml"]', WAIT);
    await page.type('[data-testid="yaml"]', invalid);
    await page.click('[data-testid="create"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="create-output"]')?.textContent?.includes('invalid'), WAIT);
    const shown = (await texts('[data-testid="create-output"]')).join();
    expect(cli.stderr.trim()).toContain(shown.trim());
    await shot('create-refused');
    await page.$eval('[data-testid="yaml"]', (el) => ((el as HTMLTextAreaElement).value = ''));
    await page.type('[data-testid="yaml"]', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-page-${SUFFIX}\ndata: {a: b}\n`);
    await page.click('[data-testid="create"]');
    await page.waitForFunction((name) => document.querySelector('[data-testid="create-output"]')?.textContent?.includes(`configmap/${name} created`), WAIT, `from-page-${SUFFIX}`);
    await ok(['get', 'configmap', `from-page-${SUFFIX}`]);
    await shot('create');
  }, STEP_MS);

  it('restarts and deletes the Deployment from the page', async () => {
    await page.click('[data-testid="nav-workloads"]');
    const row = `[data-testid="workload-Deployment-${APP}"]`;
    await page.waitForSelector(row, WAIT);
    const buttons = async () => page.$$(`${row} button`);
    const named = async (label: string) => {
      for (const b of await buttons()) if ((await b.evaluate((e) => e.textContent)) === label) return b;
      throw new Error(`no ${label} button`);
    };
    // Restart, as kubectl rollout restart: a new template annotation rolls every pod.
    await (await named('Restart')).click();
    const restarted = await pollUntil(async () => {
      const d = JSON.parse(await ok(['get', 'deployment', APP, '-o', 'json'])) as Deployment;
      return d.spec?.template?.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt'];
    }, { timeoutMs: 60_000, intervalMs: 1_000, what: 'the restartedAt annotation' });
    expect(Date.parse(restarted)).toBeGreaterThan(0);
    await (await named('Delete')).click();
    await (await named('Confirm delete')).click();
    await page.waitForFunction((sel) => !document.querySelector(sel), WAIT, row);
    await pollUntil(async () => (await kubets(['get', 'deployment', APP])).code !== 0, { timeoutMs: 60_000, intervalMs: 1_000, what: 'the Deployment gone' });
  }, STEP_MS);

  it('shows a token without rights the API\'s Forbidden', async () => {
    await ok(['create', '-f', '-'], { stdin: `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: nobody-${SUFFIX}\n` });
    const token = (await ok(['create', 'token', `nobody-${SUFFIX}`])).trim();
    await logIn(token);
    // Each list shows its own refusal; the pods' is the last section of the page.
    await page.waitForFunction(() => [...document.querySelectorAll('[role="alert"]')].some((a) => a.textContent?.startsWith('pods is forbidden')), WAIT);
    expect((await texts('[role="alert"]')).join()).toMatch(/pods is forbidden: User "system:serviceaccount:default:nobody-[a-z0-9]+" cannot list resource "pods"/);
    await shot('forbidden');
  }, STEP_MS);
});
