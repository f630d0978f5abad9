import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initRepository } from '../../../src/core/project/scaffold.js';
import { describe, expect, it } from 'vitest';
import { dashboardModel, dashboardQueries, exposedNames, metricNames } from '../../support/grafana-dashboard.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TEMPLATE = join(ROOT, 'templates', 'init', 'observability', 'grafana', 'kafka-connect.json');
const EXAMPLE = join(ROOT, 'examples', 'kafka-connect-configs', 'observability', 'grafana', 'kafka-connect.json');

/**
 * The Grafana dashboard of the repository template loads as a dashboard model and every query is valid PromQL.
 * That its metric names exist is checked against a real dev stack in test/ops-it/dashboard-metrics.test.ts.
 */
describe('Grafana dashboard (templates/init/observability/grafana)', () => {
  const raw = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as unknown;

  it('is a dashboard model: strict fields, unique panel ids, panels inside the 24-column grid', () => {
    const d = dashboardModel.parse(raw);
    const ids = d.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of d.panels) expect(p.gridPos.x + p.gridPos.w, `panel ${p.id}`).toBeLessThanOrEqual(24);
  });

  it('covers throughput, lag, errors, DLQ and task states', () => {
    const titles = dashboardModel
      .parse(raw)
      .panels.map((p) => p.title.toLowerCase())
      .join('\n');
    for (const w of ['throughput', 'lag', 'error', 'dlq', 'task states']) expect(titles).toContain(w);
  });

  it('every query parses with the PromQL grammar and names its metrics', () => {
    const qs = dashboardQueries(dashboardModel.parse(raw));
    expect(qs.length).toBeGreaterThan(20);
    for (const q of qs) expect(metricNames(q.expr).length, q.where).toBeGreaterThan(0);
  });

  it('the checker itself: rejects bad PromQL, an unknown key, a selector without a metric name', () => {
    expect(() => metricNames('sum(rate(foo[5m])')).toThrow(/syntax error/);
    expect(() => metricNames('{job="x"}')).toThrow(/without a metric name/);
    expect(metricNames('histogram_quantile(0.9, sum by (le) (rate(a_bucket{x=~"$v"}[$__rate_interval]))) / b')).toEqual(
      ['a_bucket', 'b'],
    );
    const bad = structuredClone(raw) as { panels: Record<string, unknown>[] };
    bad.panels[1]!.targest = bad.panels[1]!.targets;
    expect(dashboardModel.safeParse(bad).success).toBe(false);
    expect([...exposedNames('# HELP a x\n# TYPE a gauge\na{l="1"} 1\nb 2\n')]).toEqual(['a', 'b']);
  });

  it('kcops init writes it to observability/grafana/', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-init-dash-'));
    try {
      const r = initRepository(dir, 'self-managed');
      expect(r.created).toContain('observability/grafana/kafka-connect.json');
      expect(readFileSync(join(dir, 'observability', 'grafana', 'kafka-connect.json'), 'utf8')).toBe(
        readFileSync(TEMPLATE, 'utf8'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the example repository carries the same dashboard', () => {
    expect(readFileSync(EXAMPLE, 'utf8')).toBe(readFileSync(TEMPLATE, 'utf8'));
  });
});
