// A per-day chart drawn by uPlot (canvas; small and fast, this page's chunk only). The canvas is an image to
// assistive technology (role="img" with a summary); every number is also in the table beside it.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useEffect, useRef } from 'preact/hooks';

export interface Series {
  label: string;
  values: number[];
  color: string;
}

export function LineChart({ labels, series, summary, testId, xLabel }: { labels: string[]; series: Series[]; summary: string; testId: string; xLabel: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(280, el.clientWidth);
    const opts: uPlot.Options = {
      width: width(),
      height: 220,
      scales: { x: { time: false } },
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      axes: [
        {
          values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? (labels[i] ?? '') : '')),
          space: 48,
        },
        { values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? new Intl.NumberFormat('pt-BR').format(v) : '')) },
      ],
      series: [
        { label: xLabel, value: (_u, i) => (i === null ? '' : (labels[i] ?? '')) },
        ...series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: labels.length <= 45 } })),
      ],
    };
    const data: uPlot.AlignedData = [labels.map((_, i) => i), ...series.map((s) => s.values)];
    const plot = new uPlot(opts, data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [labels.join(), series.map((s) => s.values.join()).join('|'), series.map((s) => s.label).join()]);
  return <div class="report-chart" ref={box} role="img" aria-label={summary} data-testid={testId} />;
}
