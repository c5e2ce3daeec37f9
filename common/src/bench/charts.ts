// SPDX-License-Identifier: Apache-2.0
// Benchmark charts as SVG files, drawn headless in Node: a Vega-Lite spec compiled to Vega and
// rendered by Vega's SVG string renderer (no browser, no canvas). Vega ships as ES modules
// only, hence the dynamic imports from this CommonJS package.
import fs from 'node:fs';
import path from 'node:path';

export interface SeriesPoint {
  series: string;
  x: number;
  y: number;
}

export interface LineChart {
  title: string;
  xTitle: string;
  yTitle: string;
  points: readonly SeriesPoint[];
  /** Draw y = x as a dashed reference (e.g. achieved equal to offered). */
  diagonal?: boolean;
}

export interface Bar {
  /** Bars of one group sit side by side (e.g. a mode). */
  group: string;
  /** Position on the x axis (e.g. a process). */
  category: string;
  value: number;
}

export interface BarChart {
  title: string;
  xTitle: string;
  yTitle: string;
  bars: readonly Bar[];
}

/** What every chart has around its data and marks. */
function frame(title: string): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 560,
    height: 320,
    background: 'white',
  };
}

/** Renders a Vega-Lite specification to an SVG document. */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0]);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function lineChartSpec(chart: LineChart): Record<string, unknown> {
  const x = { field: 'x', type: 'quantitative', title: chart.xTitle };
  const y = { field: 'y', type: 'quantitative', title: chart.yTitle };
  const layers: Record<string, unknown>[] = [
    {
      mark: { type: 'line', point: true },
      encoding: { x, y, color: { field: 'series', type: 'nominal', title: null } },
    },
  ];
  if (chart.diagonal) {
    const xs = chart.points.map((point) => point.x);
    layers.unshift({
      data: {
        values: [
          { x: Math.min(0, ...xs), y: Math.min(0, ...xs) },
          { x: Math.max(0, ...xs), y: Math.max(0, ...xs) },
        ],
      },
      mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
      encoding: { x, y },
    });
  }
  return {
    ...frame(chart.title),
    data: { values: chart.points },
    layer: layers,
  };
}

export function barChartSpec(chart: BarChart): Record<string, unknown> {
  return {
    ...frame(chart.title),
    data: { values: chart.bars },
    mark: 'bar',
    encoding: {
      x: { field: 'category', type: 'nominal', title: chart.xTitle, axis: { labelAngle: -30 } },
      xOffset: { field: 'group', type: 'nominal' },
      y: { field: 'value', type: 'quantitative', title: chart.yTitle },
      color: { field: 'group', type: 'nominal', title: null },
    },
  };
}

/** Writes the chart's SVG to `file`, creating its directory. */
export async function writeChart(file: string, spec: Record<string, unknown>): Promise<void> {
  const svg = await renderSvg(spec);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, svg.endsWith('\n') ? svg : `${svg}\n`);
}
