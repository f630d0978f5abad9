import { UserError } from '../../errors.js';
import { adaptLocal } from './local-adapters.js';
import type { ConvertWarning } from './warning.js';
import {
  isCloudOnly,
  MANAGED_PLUGINS,
  managedPluginFor,
  placeholders,
  SELF_MANAGED_CLASS,
  type MappingRule,
  type PluginMapping,
} from './rules.js';

/**
 * Portability (REQ-DEPLOY-003): a managed (Confluent Cloud) connector config ⇄ its self-managed equivalent, from the
 * key mappings in Confluent's templates. Pure: no I/O. Every input key that cannot be carried across is a warning;
 * secret references (`${provider:path:key}`) are carried as they are, never resolved.
 */
export type ConvertTarget = 'managed' | 'self-managed';

export type { ConvertWarning } from './warning.js';

export interface ConvertResult {
  config: Record<string, string>;
  warnings: ConvertWarning[];
  /** The managed plugin involved (S3_SINK, PostgresCdcSourceV2, ...). */
  plugin: string;
  from: string;
  to: string;
}

/** Keys both sides spell the same way and that are not the connector's own settings. */
const COMMON_PASS = /^(transforms|predicates)(\.|$)/;

export function convertConfig(config: Record<string, string>, to: ConvertTarget): ConvertResult {
  return to === 'self-managed' ? toSelfManaged(config) : toManaged(config);
}

export function isManagedConfig(config: Record<string, string>): boolean {
  return (config['connector.class'] ?? '') in MANAGED_PLUGINS;
}

export function toSelfManaged(fm: Record<string, string>): ConvertResult {
  const plugin = fm['connector.class'] ?? '';
  const m = MANAGED_PLUGINS[plugin];
  if (!m) throw unknownPlugin(plugin, 'managed');
  const warnings: ConvertWarning[] = [];
  const consumed = new Set(['connector.class', 'name']);
  const value = (k: string): string | undefined => resolveDefault(m, fm, k);
  const cls = SELF_MANAGED_CLASS[plugin] ?? m.workerClass;
  const out: Record<string, string> = { 'connector.class': cls };
  if (fm.name !== undefined) out.name = fm.name;
  const missing = new Set<string>();

  for (const r of m.rules) {
    if (r.to === 'connector.class' || r.to === 'name') continue;
    if (r.switch !== undefined) {
      if (!(r.switch in m.keys)) continue; // switches on Cloud deployment metadata
      if (fm[r.switch] !== undefined) consumed.add(r.switch);
      const v = value(r.switch);
      if (v === undefined) continue;
      const chosen = r.cases![v] ?? r.cases!.DEFAULT;
      if (chosen === undefined || chosen === 'null') continue;
      if (/^(key|value)\.converter\.schema\.registry\.url$/.test(r.to)) {
        if (fm[r.switch] !== undefined) missing.add(r.to); // Cloud's own Schema Registry: the worker needs yours
        continue;
      }
      if (isCloudOnly(r, chosen)) continue;
      const filled = fill(chosen, m, fm, consumed);
      if (filled === undefined) continue;
      if (r.to !== r.switch || fm[r.switch] !== undefined) out[r.to] = filled;
    } else if (r.dynamic !== undefined) {
      dynamicToSelfManaged(r, m, fm, out, consumed, warnings);
    } else if (r.value !== undefined) {
      if (isCloudOnly(r, r.value)) continue;
      const filled = fill(r.value, m, fm, consumed);
      if (filled !== undefined) out[r.to] = filled;
    } else if (fm[r.to] !== undefined) {
      out[r.to] = fm[r.to]!;
      consumed.add(r.to);
    }
  }
  for (const [k, v] of Object.entries(fm)) {
    if (COMMON_PASS.test(k)) {
      out[k] = v;
      consumed.add(k);
    }
  }
  for (const k of missing)
    warnings.push({
      key: k,
      message: 'The managed connector uses Confluent Cloud Schema Registry; set the URL (and credentials) of yours.',
    });
  for (const k of Object.keys(fm)) if (!consumed.has(k)) warnings.push({ key: k, message: managedOnlyNote(k) });
  if (SELF_MANAGED_CLASS[plugin]) {
    warnings.push({
      key: 'connector.class',
      message: `${m.workerClass} runs only in Confluent Cloud; written as its open-source equivalent ${cls}.`,
    });
  }
  return { config: sortKeys(out), warnings: sortWarnings(warnings), plugin, from: plugin, to: cls };
}

export function toManaged(input: Record<string, string>): ConvertResult {
  const adapted = adaptLocal(input);
  const sm = adapted?.config ?? input;
  const warnings: ConvertWarning[] = [...(adapted?.warnings ?? [])];
  const plugin = managedPluginFor(sm);
  if (!plugin) throw unknownPlugin(input['connector.class'] ?? '', 'self-managed');
  const m = MANAGED_PLUGINS[plugin]!;
  const consumed = new Set(['connector.class', 'name']);
  const fm: Record<string, string> = { 'connector.class': plugin };
  if (sm.name !== undefined) fm.name = sm.name;

  for (const r of m.rules) {
    if (r.to === 'connector.class' || r.to === 'name') continue;
    const v = sm[r.to];
    if (v === undefined) continue;
    if (r.switch !== undefined) {
      if (!(r.switch in m.keys)) continue;
      const keys = Object.entries(r.cases!)
        .filter(([c, out]) => c !== 'DEFAULT' && out === v)
        .map(([c]) => c);
      if (keys.length === 0) {
        if (r.cases!.DEFAULT === v) consumed.add(r.to); // e.g. timestamp.extractor=RecordField: implied by timestamp.field
        const viaDefault = r.cases!.DEFAULT !== undefined && matchTemplate(r.cases!.DEFAULT, v);
        if (viaDefault) {
          setFrom(fm, viaDefault, m);
          consumed.add(r.to);
        }
        continue;
      }
      if (fm[r.switch] === undefined || !keys.includes(fm[r.switch]!)) fm[r.switch] = keys[0]!;
      consumed.add(r.to);
    } else if (r.dynamic !== undefined) {
      if (dynamicToManaged(r, sm, fm)) consumed.add(r.to);
    } else if (r.value !== undefined) {
      const vars = placeholders(r.value);
      if (vars.length === 0) {
        consumed.add(r.to);
        if (v !== r.value)
          warnings.push({ key: r.to, message: `Confluent Cloud fixes this to '${r.value}'; '${v}' is not kept.` });
        continue;
      }
      if (!vars.every((x) => x in m.keys)) continue;
      const got = matchTemplate(r.value, v);
      if (got) {
        setFrom(fm, got, m);
        consumed.add(r.to);
        if (got[SUFFIX])
          warnings.push({
            key: r.to,
            message: `'${got[SUFFIX]}' after the ${vars.join(', ')} parts is not carried to the managed connector.`,
          });
      }
    } else {
      fm[r.to] = v;
      consumed.add(r.to);
    }
  }
  for (const [k, v] of Object.entries(sm)) {
    if (COMMON_PASS.test(k)) {
      fm[k] = v;
      consumed.add(k);
    }
  }
  for (const k of Object.keys(sm)) if (!consumed.has(k)) warnings.push({ key: k, message: selfManagedOnlyNote(k) });
  for (const [k, v] of Object.entries(fm)) {
    if (/^transforms\.[^.]+\.type$/.test(k) && m.allowedTransforms.length > 0 && !m.allowedTransforms.includes(v)) {
      warnings.push({
        key: k,
        message: `Confluent Cloud does not allow the transform ${v} on ${plugin}; remove it or replace it with an allowed one.`,
      });
    }
  }
  // Values equal to the managed default say nothing: leave them out, as a person writing the file would.
  for (const [k, v] of Object.entries(fm)) {
    const d = m.keys[k]?.default?.replace('${connector}', fm.name ?? '${connector}');
    if (d === v && !m.keys[k]?.required) delete fm[k];
  }
  if (fm['kafka.auth.mode'] === undefined) {
    fm['kafka.auth.mode'] = 'SERVICE_ACCOUNT';
    warnings.push({
      key: 'kafka.auth.mode',
      message:
        'Set to SERVICE_ACCOUNT: add kafka.service.account.id (sa-...) of the service account the connector runs as.',
    });
  }
  for (const [k, d] of Object.entries(m.keys)) {
    if (d.required && d.default === undefined && fm[k] === undefined && k !== 'name')
      warnings.push({
        key: k,
        message: `Required by ${plugin} and not derivable from the self-managed config: set it.`,
      });
  }
  const from = adapted?.adaptedFrom ?? input['connector.class'] ?? '';
  return { config: sortKeys(fm), warnings: sortWarnings(warnings), plugin, from, to: plugin };
}

function dynamicToSelfManaged(
  r: MappingRule,
  m: PluginMapping,
  fm: Record<string, string>,
  out: Record<string, string>,
  consumed: Set<string>,
  warnings: ConvertWarning[],
): void {
  if (r.dynamic === 's3.region') {
    if (fm['s3.region'] !== undefined) out['s3.region'] = fm['s3.region'];
    else
      warnings.push({
        key: 's3.region',
        message: 'The managed connector defaults to the Kafka cluster region; set s3.region for the worker.',
      });
    consumed.add('s3.region');
  } else if (r.dynamic === 'errors.deadletterqueue.topic.mapper') {
    const v = fm[r.to] ?? m.keys[r.to]?.default;
    if (v !== undefined) out[r.to] = v.replace('${connector}', fm.name ?? '${connector}');
    consumed.add(r.to);
  } else if (r.dynamic === 'jdbc.infer.mode') {
    const ts = fm['timestamp.column.name'] ?? fm['timestamp.columns.mapping'];
    const inc = fm['incrementing.column.name'] ?? fm['incrementing.column.mapping'];
    out.mode = ts && inc ? 'timestamp+incrementing' : ts ? 'timestamp' : inc ? 'incrementing' : 'bulk';
    for (const k of ['timestamp.column.name', 'incrementing.column.name']) if (fm[k] !== undefined) out[k] = fm[k]!;
    for (const k of [
      'timestamp.column.name',
      'incrementing.column.name',
      'timestamp.columns.mapping',
      'incrementing.column.mapping',
    ])
      consumed.add(k);
    if (fm['timestamp.columns.mapping'] || fm['incrementing.column.mapping']) {
      warnings.push({
        key: 'timestamp.columns.mapping',
        message:
          'Per-table column mappings are managed-only; the worker takes one timestamp/incrementing column for all tables.',
      });
    }
  }
  // The converter subject-name and schema mappers derive Cloud Schema Registry settings: nothing for a worker.
}

function dynamicToManaged(r: MappingRule, sm: Record<string, string>, fm: Record<string, string>): boolean {
  if (r.dynamic === 's3.region' || r.dynamic === 'errors.deadletterqueue.topic.mapper') {
    fm[r.to] = sm[r.to]!;
    return true;
  }
  if (r.dynamic === 'jdbc.infer.mode') {
    for (const k of ['timestamp.column.name', 'incrementing.column.name']) if (sm[k] !== undefined) fm[k] = sm[k]!;
    return true;
  }
  return false;
}

/** A managed key's value, or its default (defaults may refer to another key: `${input.data.format}`). */
function resolveDefault(m: PluginMapping, fm: Record<string, string>, k: string, depth = 0): string | undefined {
  if (fm[k] !== undefined) return fm[k];
  const d = m.keys[k]?.default;
  if (d === undefined || depth > 3) return d;
  const ref = /^\$\{([^}]+)\}$/.exec(d)?.[1];
  return ref && ref in m.keys ? resolveDefault(m, fm, ref, depth + 1) : d;
}

/** Fills `${key}` from managed keys; undefined when one is Cloud-internal or has no value. */
function fill(
  template: string,
  m: PluginMapping,
  fm: Record<string, string>,
  consumed: Set<string>,
): string | undefined {
  const vars = placeholders(template);
  if (vars.some((v) => !(v in m.keys))) return undefined;
  const values = vars.map((v) => resolveDefault(m, fm, v));
  if (values.some((v) => v === undefined || v === '')) return undefined;
  // A value made only from defaults is the worker's business, except where the template fixes it outright.
  if (vars.length > 0 && vars.every((v) => fm[v] === undefined)) return undefined;
  for (const v of vars) consumed.add(v);
  return template.replace(/\$\{([^}]+)\}/g, (_x, name: string) => resolveDefault(m, fm, name)!);
}

const SUFFIX = Symbol('suffix');
type Matched = Record<string, string> & { [SUFFIX]?: string };

/** Reads `${key}` parts back out of a worker value built from a template; a secret reference counts as one part. */
function matchTemplate(template: string, value: string): Matched | undefined {
  const names: string[] = [];
  let pattern = '';
  let rest = template;
  for (const mm of template.matchAll(/\$\{([^}]+)\}/g)) {
    const at = rest.indexOf(mm[0]);
    pattern += escape(rest.slice(0, at)) + '(\\$\\{[^}]*\\}|[^:/?;,]+)';
    names.push(mm[1]!);
    rest = rest.slice(at + mm[0].length);
  }
  if (names.length === 0) return undefined;
  const re = new RegExp('^' + pattern + escape(rest) + '(.*)$');
  const got = re.exec(value);
  if (!got) return undefined;
  const out: Matched = {};
  names.forEach((n, i) => (out[n] = got[i + 1]!));
  if (got[names.length + 1]) out[SUFFIX] = got[names.length + 1];
  return out;
}

function setFrom(fm: Record<string, string>, got: Record<string, string>, m: PluginMapping): void {
  for (const [k, v] of Object.entries(got)) if (k in m.keys && fm[k] === undefined) fm[k] = v;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function managedOnlyNote(k: string): string {
  if (/^kafka\.(auth\.mode|api\.key|api\.secret|service\.account\.id)$/.test(k)) {
    return "Confluent Cloud's own Kafka access; a worker uses its producer/consumer (override) credentials instead.";
  }
  if (/^secret\.manager/.test(k))
    return 'Confluent Cloud secret-manager integration; use a worker ConfigProvider reference instead.';
  if (/^(provider\.integration\.id|authentication\.method)$/.test(k))
    return 'Confluent Cloud provider integration (IAM role); configure AWS credentials for the worker instead.';
  return 'No self-managed counterpart in the template mapping; not carried over.';
}

function selfManagedOnlyNote(k: string): string {
  if (/^(producer|consumer|admin)\.override\.(sasl|security)\./.test(k) || /bootstrap\.servers$/.test(k)) {
    return 'Worker-side Kafka access; Confluent Cloud connects the connector itself (kafka.auth.mode).';
  }
  if (/^(key|value|header)\.converter/.test(k))
    return 'No managed data-format equivalent for this converter setting; check input/output.data.format.';
  return 'No managed counterpart in the template mapping; not carried over.';
}

function unknownPlugin(cls: string, side: ConvertTarget): UserError {
  const known = Object.keys(MANAGED_PLUGINS).join(', ');
  return new UserError(
    'CONVERT_UNSUPPORTED',
    `kcops cannot convert a ${side} connector of class '${cls || '(none)'}'.`,
    {
      hint:
        side === 'managed'
          ? `Managed plugins with a mapping: ${known}.`
          : 'Supported: Debezium PostgreSQL/MySQL, Confluent S3 sink (and the Camel aws2-s3 sink), Confluent JDBC source/sink and Debezium JDBC sink on PostgreSQL/MySQL, DynamoDB sink and CDC source.',
      exitCode: 2,
    },
  );
}

function sortKeys(c: Record<string, string>): Record<string, string> {
  const rank = (k: string) => (k === 'connector.class' ? 0 : k === 'name' ? 1 : 2);
  return Object.fromEntries(Object.entries(c).sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b)));
}

function sortWarnings(w: ConvertWarning[]): ConvertWarning[] {
  return w.sort((a, b) => a.key.localeCompare(b.key));
}
