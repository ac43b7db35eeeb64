import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { html, Section } from './ui.js';

// CPU and memory per node over the last hour, drawn with uPlot. The numbers come from
// Prometheus (the monitoring add-on's Service kube-system/prometheus, reached through the
// apiserver's services proxy) when it runs; otherwise from the metrics API's current usage,
// sampled by the page while it is open. uPlot is loaded only when a chart is drawn.

const PROMETHEUS = '/api/v1/namespaces/kube-system/services/prometheus:9090/proxy/api/v1/query_range';
const QUERIES = {
  cpu: 'sum by (node) (rate(container_cpu_usage_seconds_total{container!=""}[2m]))',
  memory: 'sum by (node) (container_memory_working_set_bytes{container!=""})',
};
const WINDOW_S = 3600;
const STEP_S = 30;
const REFRESH_MS = 30_000;
const MAX_SAMPLES = 240;

const SUFFIXES = { n: 1e-9, u: 1e-6, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4 };

/** A Kubernetes quantity ("250m", "128Mi") as a number. */
export function quantity(text) {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(text ?? ''));
  return m ? Number(m[1]) * (SUFFIXES[m[2]] ?? 1) : NaN;
}

/** Prometheus' range answers as uPlot data: [timestamps, series...] and a label per series. */
function fromPrometheus(result) {
  const times = [...new Set(result.flatMap((r) => r.values.map(([t]) => t)))].sort((a, b) => a - b);
  const series = result.map((r) => {
    const byTime = new Map(r.values.map(([t, v]) => [t, Number(v)]));
    return times.map((t) => byTime.get(t) ?? null);
  });
  return { labels: result.map((r) => r.metric.node ?? r.metric.instance ?? 'cluster'), data: [times, ...series] };
}

async function queryPrometheus(query) {
  const end = Math.floor(Date.now() / 1000);
  const params = new URLSearchParams({ query, start: String(end - WINDOW_S), end: String(end), step: String(STEP_S) });
  const answer = await api(`${PROMETHEUS}?${params}`);
  if (answer.status !== 'success' || answer.data.result.length === 0) throw new Error('no data');
  return fromPrometheus(answer.data.result);
}

/** Samples of the metrics API's node usage, one per change of `nodeUsage`, kept in the page. */
function useSampledUsage(nodeUsage) {
  const samples = useRef([]);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (nodeUsage.size === 0) return;
    samples.current = [...samples.current, { time: Date.now() / 1000, usage: nodeUsage }].slice(-MAX_SAMPLES);
    setVersion((v) => v + 1);
  }, [nodeUsage]);
  const series = (read) => {
    const names = [...new Set(samples.current.flatMap((s) => [...s.usage.keys()]))].sort();
    return {
      labels: names,
      data: [samples.current.map((s) => s.time), ...names.map((n) => samples.current.map((s) => (s.usage.has(n) ? read(s.usage.get(n)) : null)))],
    };
  };
  return { version, cpu: () => series((u) => quantity(u.cpu)), memory: () => series((u) => quantity(u.memory)) };
}

function Chart({ title, unit, chart, testid }) {
  const box = useRef(undefined);
  useEffect(() => {
    if (!chart || chart.data[0].length === 0) return undefined;
    let plot;
    let cancelled = false;
    void import('uplot').then(({ default: UPlot }) => {
      if (cancelled) return;
      const palette = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2'];
      plot = new UPlot({
        width: Math.max(320, box.current.clientWidth),
        height: 200,
        series: [{}, ...chart.labels.map((label, i) => ({ label, stroke: palette[i % palette.length], width: 2, value: (_, v) => (v == null ? '' : unit(v)) }))],
        // One sample would stretch the time axis over years: show the last minutes around it.
        scales: { x: { range: (_, min, max) => (max - min < 60 ? [min - 300, max + 30] : [min, max]) } },
        axes: [{}, { values: (_, ticks) => ticks.map(unit), size: 70 }],
      }, chart.data, box.current);
    });
    return () => { cancelled = true; plot?.destroy(); };
  }, [chart]);
  return html`<div class="chart" data-testid=${testid}><h3>${title}</h3><div ref=${box}></div></div>`;
}

export const cores = (v) => `${v < 1 ? `${Math.round(v * 1000)}m` : v.toFixed(2)}`;
export const bytes = (v) => (v >= 1024 ** 3 ? `${(v / 1024 ** 3).toFixed(1)}Gi` : `${Math.round(v / 1024 ** 2)}Mi`);

export function UsageCharts({ nodeUsage }) {
  const [fromPrometheus, setFromPrometheus] = useState(undefined);
  const [prometheusMissing, setPrometheusMissing] = useState(false);
  const sampled = useSampledUsage(nodeUsage);

  useEffect(() => {
    let stopped = false;
    const read = () => Promise.all([queryPrometheus(QUERIES.cpu), queryPrometheus(QUERIES.memory)]).then(
      ([cpu, memory]) => stopped || setFromPrometheus({ cpu, memory }),
      () => stopped || setPrometheusMissing(true),
    );
    void read();
    const timer = setInterval(read, REFRESH_MS);
    return () => { stopped = true; clearInterval(timer); };
  }, []);

  const charts = useMemo(
    () => fromPrometheus ?? (prometheusMissing ? { cpu: sampled.cpu(), memory: sampled.memory() } : undefined),
    [fromPrometheus, prometheusMissing, sampled.version],
  );
  const source = fromPrometheus ? 'Prometheus (kube-system/prometheus), last hour' : 'the metrics API, sampled while this page is open (no Prometheus found in kube-system)';
  return html`<${Section} title="Usage">
    <p class="muted" data-testid="chart-source">From ${source}.</p>
    <div class="charts">
      <${Chart} testid="chart-cpu" title="CPU (cores)" unit=${cores} chart=${charts?.cpu} />
      <${Chart} testid="chart-memory" title="Memory" unit=${bytes} chart=${charts?.memory} />
    </div>
  <//>`;
}
