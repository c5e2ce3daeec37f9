// SPDX-License-Identifier: Apache-2.0
/**
 * A small builder for Grafana dashboards as JSON (the model Grafana imports and its sidecar
 * loads from ConfigMaps). Panels are laid out in rows of two, or four for single numbers; a row
 * header starts a new line and names the panels after it.
 */
export interface PanelSpec {
  title: string;
  /** One or more PromQL queries, each with the legend Grafana shows for its series. */
  queries: { expr: string; legend?: string }[];
  kind?: 'timeseries' | 'stat' | 'row';
  unit?: string;
  description?: string;
}

export interface VariableSpec {
  name: string;
  label: string;
  /** The metric whose label values are offered, e.g. every org that exports block heights. */
  metric: string;
  labelName: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  variables?: VariableSpec[];
  panels: PanelSpec[];
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' };

function layout(panels: PanelSpec[]): { x: number; y: number; w: number; h: number }[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return panels.map((panel) => {
    const w = panel.kind === 'stat' ? 6 : panel.kind === 'row' ? 24 : 12;
    const h = panel.kind === 'stat' ? 4 : panel.kind === 'row' ? 1 : 8;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const position = { x, y, w, h };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return position;
  });
}

function variable(spec: VariableSpec): Record<string, unknown> {
  const query = `label_values(${spec.metric}, ${spec.labelName})`;
  return {
    name: spec.name,
    label: spec.label,
    type: 'query',
    datasource: DATASOURCE,
    query: { query, refId: 'PrometheusVariableQueryEditor-VariableQuery' },
    definition: query,
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { text: 'All', value: '$__all' },
    sort: 1,
  };
}

export function dashboard(spec: DashboardSpec): Record<string, unknown> {
  const positions = layout(spec.panels);
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['consortia'],
    editable: true,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    timezone: 'browser',
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Prometheus',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
        },
        ...(spec.variables ?? []).map(variable),
      ],
    },
    panels: spec.panels.map((panel, index) =>
      panel.kind === 'row'
        ? {
            id: index + 1,
            type: 'row',
            title: panel.title,
            collapsed: false,
            gridPos: positions[index],
            panels: [],
          }
        : {
            id: index + 1,
            type: panel.kind ?? 'timeseries',
            title: panel.title,
            ...(panel.description ? { description: panel.description } : {}),
            datasource: DATASOURCE,
            gridPos: positions[index],
            fieldConfig: { defaults: { unit: panel.unit ?? 'short' }, overrides: [] },
            options:
              panel.kind === 'stat'
                ? { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false } }
                : {
                    legend: { displayMode: 'list', placement: 'bottom' },
                    tooltip: { mode: 'multi' },
                  },
            targets: panel.queries.map((query, queryIndex) => ({
              refId: String.fromCharCode(65 + queryIndex),
              datasource: DATASOURCE,
              expr: query.expr,
              legendFormat: query.legend ?? '__auto',
            })),
          },
    ),
  };
}

/** Every PromQL expression a dashboard's panels and variables run, for checking them. */
export function dashboardQueries(spec: DashboardSpec): { where: string; expr: string }[] {
  return [
    ...(spec.variables ?? []).map((each) => ({
      where: `${spec.uid} variable ${each.name}`,
      expr: each.metric,
    })),
    ...spec.panels.flatMap((panel) =>
      panel.queries.map((query) => ({ where: `${spec.uid} / ${panel.title}`, expr: query.expr })),
    ),
  ];
}
