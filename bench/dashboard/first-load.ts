import type { CDPSession, Page } from 'puppeteer-core';
import { launchChromium } from '../../test/harness/chromium.js';
import { startBenchCluster } from '../harness/cluster.js';
import { printResult } from '../harness/report.js';
import { summarize } from '../harness/stats.js';

// The dashboard's first load in headless Chromium against a real apiserver: bytes on the wire
// (compressed bodies plus headers, from the DevTools protocol) and time until the page is
// usable, for a cold load of the login page (empty cache), the first workloads page after
// logging in, a warm reload (cached files revalidated), and the parts loaded on demand (the
// YAML parser of the create page, uPlot of the nodes page).

const RUNS = Number(process.env.BENCH_DASHBOARD_RUNS ?? 5);

/** Counts the bytes of every response finished while `step` runs. */
async function measure(cdp: CDPSession, step: () => Promise<void>): Promise<{ ms: number; bytes: number; requests: number }> {
  let bytes = 0;
  let requests = 0;
  const finished = (e: { encodedDataLength: number }): void => {
    bytes += e.encodedDataLength;
    requests += 1;
  };
  cdp.on('Network.loadingFinished', finished);
  const start = performance.now();
  await step();
  const ms = performance.now() - start;
  // Responses that are still streaming (watches) never finish; give the finished ones a moment to be reported.
  await new Promise((r) => setTimeout(r, 200));
  cdp.off('Network.loadingFinished', finished);
  return { ms, bytes, requests };
}

async function run(page: Page, cdp: CDPSession, url: string, token: string): Promise<Record<string, { ms: number; bytes: number; requests: number }>> {
  await cdp.send('Network.clearBrowserCache');
  const cold = await measure(cdp, async () => {
    await page.goto(`${url}/dashboard/`, { waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid="token"]');
  });
  const login = await measure(cdp, async () => {
    await page.type('[data-testid="token"]', token);
    await page.click('[data-testid="login"]');
    await page.waitForSelector('[data-testid="pods"]');
  });
  const warm = await measure(cdp, async () => {
    await page.reload({ waitUntil: 'domcontentloaded' });
    await page.waitForSelector('[data-testid="pods"]');
  });
  const create = await measure(cdp, async () => {
    await page.click('[data-testid="nav-create"]');
    await page.waitForSelector('[data-testid="yaml"]');
    await page.type('[data-testid="yaml"]', 'kind: x');
    await page.click('[data-testid="create"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="create-output"]')?.textContent?.includes('apiVersion'));
  });
  const nodes = await measure(cdp, async () => {
    await page.click('[data-testid="nav-nodes"]');
    await page.waitForSelector('[data-testid="chart-cpu"]');
    await page.waitForFunction(() => document.querySelector('[data-testid="chart-source"]')?.textContent?.includes('metrics API'));
  });
  await page.evaluate(() => sessionStorage.clear());
  return { cold, login, warm, create, nodes };
}

export async function benchDashboardFirstLoad(): Promise<void> {
  const cluster = await startBenchCluster({ nodes: ['bench-node'] });
  const browser = await launchChromium(cluster.rest.url, cluster.rest.caPem);
  try {
    const runs: Record<string, { ms: number; bytes: number; requests: number }>[] = [];
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage();
      const cdp = await page.createCDPSession();
      await cdp.send('Network.enable');
      runs.push(await run(page, cdp, cluster.rest.url, cluster.rest.token));
      await page.close();
    }
    const steps = Object.keys(runs[0]!);
    const result = Object.fromEntries(steps.map((step) => [step, {
      ms: summarize(runs.map((r) => r[step]!.ms)),
      bytes: runs[0]![step]!.bytes,
      requests: runs[0]![step]!.requests,
    }]));
    printResult('dashboard-first-load', { runs: RUNS, ...result });
  } finally {
    await browser.close();
    await cluster.stop();
  }
}
