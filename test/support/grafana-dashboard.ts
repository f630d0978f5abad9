import { parser } from '@prometheus-io/lezer-promql';
import { z } from 'zod';

/**
 * The Grafana dashboards kcops ships (templates/init/observability/grafana/), checked two ways: the JSON must load as
 * a dashboard model, and every PromQL query must parse and name only metrics that exist. Grafana publishes no JSON
 * Schema for the classic dashboard model on npm (its schema lives in CUE / Go), so this is a strict zod model of
 * the fields the dashboards use, written from Grafana's "JSON model" documentation: an unknown key anywhere fails
 * the check, so a typo does not silently become a panel without a query.
 */

const datasourceRef = z.strictObject({ type: z.literal('prometheus'), uid: z.literal('${datasource}') });

const target = z.strictObject({
  refId: z.string().regex(/^[A-Z]$/),
  datasource: datasourceRef,
  expr: z.string().min(1),
  legendFormat: z.string().optional(),
  instant: z.boolean().optional(),
  range: z.boolean().optional(),
  format: z.enum(['time_series', 'table', 'heatmap']).optional(),
});

const gridPos = z.strictObject({
  h: z.number().int().positive(),
  w: z.number().int().min(1).max(24),
  x: z.number().int().min(0).max(23),
  y: z.number().int().min(0),
});

const threshold = z.strictObject({ color: z.string(), value: z.number().nullable() });

const fieldConfig = z.strictObject({
  defaults: z.strictObject({
    unit: z.string().optional(),
    min: z.number().optional(),
    decimals: z.number().int().optional(),
    noValue: z.string().optional(),
    color: z.strictObject({ mode: z.enum(['palette-classic', 'thresholds', 'fixed']) }).optional(),
    thresholds: z
      .strictObject({ mode: z.enum(['absolute', 'percentage']), steps: z.array(threshold).min(1) })
      .optional(),
    mappings: z
      .array(
        z.strictObject({
          type: z.literal('value'),
          options: z.record(z.string(), z.strictObject({ text: z.string(), color: z.string().optional() })),
        }),
      )
      .optional(),
    custom: z
      .strictObject({
        drawStyle: z.enum(['line', 'bars']).optional(),
        fillOpacity: z.number().min(0).max(100).optional(),
        stacking: z.strictObject({ mode: z.enum(['none', 'normal', 'percent']), group: z.string() }).optional(),
      })
      .optional(),
  }),
  overrides: z.array(z.never()),
});

const options = z.strictObject({
  legend: z
    .strictObject({
      displayMode: z.enum(['list', 'table', 'hidden']),
      placement: z.enum(['bottom', 'right']),
      showLegend: z.boolean(),
      calcs: z.array(z.enum(['lastNotNull', 'max', 'mean', 'sum'])).optional(),
    })
    .optional(),
  tooltip: z
    .strictObject({ mode: z.enum(['single', 'multi', 'none']), sort: z.enum(['none', 'asc', 'desc']) })
    .optional(),
  reduceOptions: z
    .strictObject({
      calcs: z.array(z.enum(['lastNotNull', 'max', 'mean', 'sum'])),
      fields: z.string(),
      values: z.boolean(),
    })
    .optional(),
  colorMode: z.enum(['value', 'background', 'none']).optional(),
  graphMode: z.enum(['area', 'none']).optional(),
  textMode: z.enum(['auto', 'value', 'value_and_name', 'name']).optional(),
  showHeader: z.boolean().optional(),
});

const panelBase = {
  id: z.number().int().positive(),
  title: z.string().min(1),
  description: z.string().optional(),
  gridPos,
};

const rowPanel = z.strictObject({
  ...panelBase,
  type: z.literal('row'),
  collapsed: z.literal(false),
  panels: z.array(z.never()),
});

const queryPanel = z.strictObject({
  ...panelBase,
  type: z.enum(['timeseries', 'stat', 'table']),
  datasource: datasourceRef,
  targets: z.array(target).min(1),
  fieldConfig,
  options,
  transformations: z
    .array(
      z.strictObject({
        id: z.enum(['labelsToFields', 'merge', 'organize']),
        options: z.record(z.string(), z.unknown()),
      }),
    )
    .optional(),
});

const panel = z.discriminatedUnion('type', [rowPanel, queryPanel]);

const variable = z.discriminatedUnion('type', [
  z.strictObject({
    name: z.literal('datasource'),
    label: z.string(),
    type: z.literal('datasource'),
    query: z.literal('prometheus'),
    current: z.strictObject({}),
    hide: z.literal(0),
  }),
  z.strictObject({
    name: z.string().regex(/^[a-z_]+$/),
    label: z.string(),
    type: z.literal('query'),
    datasource: datasourceRef,
    query: z.strictObject({ query: z.string().regex(/^label_values\(.+\)$/), refId: z.string() }),
    definition: z.string(),
    refresh: z.literal(2),
    includeAll: z.boolean(),
    allValue: z.string().optional(),
    multi: z.boolean(),
    sort: z.number().int(),
    current: z.strictObject({}),
    hide: z.literal(0),
  }),
]);

export const dashboardModel = z.strictObject({
  __inputs: z
    .array(
      z.strictObject({
        name: z.string(),
        label: z.string(),
        description: z.string(),
        type: z.literal('datasource'),
        pluginId: z.literal('prometheus'),
        pluginName: z.literal('Prometheus'),
      }),
    )
    .optional(),
  uid: z.string().regex(/^[a-zA-Z0-9_-]{1,40}$/),
  title: z.string().min(1),
  description: z.string(),
  tags: z.array(z.string()),
  editable: z.boolean(),
  graphTooltip: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  schemaVersion: z.number().int().min(36),
  version: z.number().int(),
  refresh: z.string(),
  time: z.strictObject({ from: z.string(), to: z.string() }),
  timepicker: z.strictObject({}),
  timezone: z.enum(['', 'browser', 'utc']),
  templating: z.strictObject({ list: z.array(variable) }),
  annotations: z.strictObject({ list: z.array(z.never()) }),
  links: z.array(z.never()),
  panels: z.array(panel).min(1),
});

export type Dashboard = z.infer<typeof dashboardModel>;

export interface DashboardQuery {
  /** Where it is: `panel 12 "Sink lag"` or `variable connector`. */
  where: string;
  expr: string;
}

/** Every PromQL expression of the dashboard: panel targets and the series selectors of `label_values(...)` variables. */
export function dashboardQueries(d: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const p of d.panels) {
    if (p.type === 'row') continue;
    for (const t of p.targets) out.push({ where: `panel ${p.id} "${p.title}" ${t.refId}`, expr: t.expr });
  }
  for (const v of d.templating.list) {
    if (v.type !== 'query') continue;
    // label_values(<series selector>, <label>)
    const m = /^label_values\((.+),\s*([a-zA-Z_][a-zA-Z0-9_]*)\)$/.exec(v.query.query);
    if (!m) throw new Error(`variable ${v.name}: not label_values(selector, label): ${v.query.query}`);
    out.push({ where: `variable ${v.name}`, expr: m[1]! });
  }
  return out;
}

/**
 * Grafana's own macros replaced by what Grafana would put there, so the expression is plain PromQL: `$__rate_interval`
 * and `$__interval` are durations; `$var` / `${var}` only ever stand inside label-matcher strings in our dashboards,
 * where any text parses.
 */
export function expandGrafanaMacros(expr: string): string {
  return expr.replace(/\$__rate_interval|\$__interval|\$__range/g, '5m');
}

/** The metric names an expression selects, from the real PromQL grammar; throws on a syntax error. */
export function metricNames(expr: string): string[] {
  const text = expandGrafanaMacros(expr);
  const tree = parser.parse(text);
  const names = new Set<string>();
  const errors: number[] = [];
  tree.iterate({
    enter: (n) => {
      if (n.type.isError) errors.push(n.from);
      if (n.name === 'VectorSelector') {
        const id = n.node.getChild('Identifier');
        if (id) names.add(text.slice(id.from, id.to));
        else throw new Error(`a selector without a metric name in ${expr}`);
      }
    },
  });
  if (errors.length) throw new Error(`PromQL syntax error at ${errors.join(', ')} in: ${text}`);
  return [...names];
}

/** Metric names in a Prometheus text exposition (sample lines; `# HELP` / `# TYPE` lines are not samples). */
export function exposedNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]/.exec(line);
    if (m) out.add(m[1]!);
  }
  return out;
}
