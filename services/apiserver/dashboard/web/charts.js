import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from './api.js';
import { html, Section } from './ui.js';

// CPU and memory per node, and of the busiest pods, over the last hour, drawn with uPlot. The
// numbers come from Prometheus (the monitoring add-on's Service kube-system/prometheus, reached
// through the apiserver's services proxy by its port name, whatever port it listens on) when it
// runs; otherwise the node charts come from the metrics API's current usage, sampled by the page
// while it is open. uPlot is loaded only when a chart is drawn.

const PROMETHEUS = '/api/v1/namespaces/kube-system/services/prometheus:http/proxy/api/v1/query_range';
const TOP_PODS = 5;
const nodeLabel = (metric) => metric.node ?? metric.instance ?? 'cluster';
const podLabel = (metric) => `${metric.namespace}/${metric.pod}`;
const QUERIES = {
  cpu: { query: 'sum by (node) (rate(container_cpu_usage_seconds_total{container!=""}[2m]))', label: nodeLabel },
  memory: { query: 'sum by (node) (container_memory_working_set_bytes{container!=""})', label: nodeLabel },
  podCpu: { query: `topk(${TOP_PODS}, sum by (namespace, pod) (rate(container_cpu_usage_seconds_total{container!=""}[2m])))`, label: podLabel },
  podMemory: { query: `topk(${TOP_PODS}, sum by (namespace, pod) (container_memory_working_set_bytes{container!=""}))`, label: podLabel },
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

/** Prometheus' range answers as uPlot data: [timestamps, series...], a label per series, and the window asked for as the time axis. */
function fromPrometheus(result, label, window) {
  const times = [...new Set(result.flatMap((r) => r.values.map(([t]) => t)))].sort((a, b) => a - b);
  const series = result.map((r) => {
    const byTime = new Map(r.values.map(([t, v]) => [t, Number(v)]));
    return times.map((t) => byTime.get(t) ?? null);
  });
  return { labels: result.map((r) => label(r.metric)), data: [times, ...series], xRange: window };
}

/** A range query's series over the last hour; undefined when Prometheus has none yet. */
async function queryPrometheus({ query, label }) {
  const end = Math.floor(Date.now() / 1000);
  const params = new URLSearchParams({ query, start: String(end - WINDOW_S), end: String(end), step: String(STEP_S) });
  const answer = await api(`${PROMETHEUS}?${params}`);
  if (answer.status !== 'success') throw new Error(`Prometheus answered ${answer.status}`);
  return answer.data.result.length > 0 ? fromPrometheus(answer.data.result, label, [end - WINDOW_S, end]) : undefined;
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
    const first = samples.current[0]?.time ?? 0;
    const last = samples.current.at(-1)?.time ?? 0;
    return {
      labels: names,
      data: [samples.current.map((s) => s.time), ...names.map((n) => samples.current.map((s) => (s.usage.has(n) ? read(s.usage.get(n)) : null)))],
      // The last minutes around few samples; the time they span once there are more.
      xRange: [Math.min(first, last - 300), last + 30],
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
        // Always the chart's own window: uPlot stretches a single sample's time axis over years.
        scales: { x: { range: () => chart.xRange } },
        axes: [{}, { values: (_, ticks) => ticks.map(unit), size: 70 }],
      }, chart.data, box.current);
    });
    return () => { cancelled = true; plot?.destroy(); };
  }, [chart]);
  // How many values the chart holds, for readers that cannot see the canvas (the browser tests).
  const points = chart ? chart.data.slice(1).reduce((n, series) => n + series.filter((v) => v != null).length, 0) : 0;
  return html`<div class="chart" data-testid=${testid} data-points=${points} data-series=${chart?.labels.join(',') ?? ''}><h3>${title}</h3><div ref=${box}></div></div>`;
}

export const cores = (v) => (v >= 1 ? v.toFixed(2) : `${Number((v * 1000).toPrecision(2))}m`);
export const bytes = (v) => {
  if (v >= 1024 ** 3) return `${(v / 1024 ** 3).toFixed(1)}Gi`;
  return v >= 1024 ** 2 ? `${Math.round(v / 1024 ** 2)}Mi` : `${Math.round(v / 1024)}Ki`;
};

export function UsageCharts({ nodeUsage }) {
  const [fromPrometheus, setFromPrometheus] = useState(undefined);
  const [prometheusMissing, setPrometheusMissing] = useState(false);
  const sampled = useSampledUsage(nodeUsage);

  useEffect(() => {
    let stopped = false;
    const keys = Object.keys(QUERIES);
    // Node series are what the page needs from Prometheus; pods' come along when there are any.
    const read = () => Promise.all(keys.map((k) => queryPrometheus(QUERIES[k]))).then(
      (answers) => {
        if (stopped) return;
        const charts = Object.fromEntries(keys.map((k, i) => [k, answers[i]]));
        if (charts.cpu && charts.memory) setFromPrometheus(charts);
        else setPrometheusMissing(true);
      },
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
    ${fromPrometheus?.podCpu && html`<h3>Busiest pods</h3>
      <div class="charts">
        <${Chart} testid="chart-pod-cpu" title="Pod CPU (cores)" unit=${cores} chart=${fromPrometheus.podCpu} />
        <${Chart} testid="chart-pod-memory" title="Pod memory" unit=${bytes} chart=${fromPrometheus.podMemory} />
      </div>`}
  <//>`;
}
