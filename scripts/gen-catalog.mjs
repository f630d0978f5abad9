#!/usr/bin/env node
/**
 * Regenerates the bundled connector catalog used by `kcops validate` offline:
 *  - self-managed.json: every plugin of a running Connect cluster, from `PUT /connector-plugins/{class}/config/validate`
 *    (which, unlike GET .../config, also returns the framework keys: tasks.max, errors.*, transforms, ...);
 *  - confluent-cloud.json: the `config_defs` of the managed connector templates in ../shared/specs/managed-connectors/.
 *
 * Usage:
 *   node scripts/gen-catalog.mjs --connect http://127.0.0.1:28083 --credentials $HOME/.kcops/dev/credentials.json
 *   node scripts/gen-catalog.mjs --managed-only        # only rebuild the Confluent Cloud catalog
 * Only definitions are written: no values, no credentials.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'src/core/validate/catalog');
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};

/** A recommended-values list is used as the closed set of allowed values only for enum-like strings, not class lists. */
function allowedFrom(type, values) {
  if (type !== 'STRING' || !Array.isArray(values) || values.length === 0) return undefined;
  if (values.some((v) => typeof v !== 'string' || /[A-Z][a-z]+[A-Z]|\.[A-Z]/.test(v) || v.includes('.')))
    return undefined;
  return [...new Set(values)];
}

function keyDef(d, recommended) {
  // The managed specs spell some flags as strings ("required": "false"): only true or "true" means required.
  const def = { type: d.type ?? 'STRING', required: d.required === true || d.required === 'true' };
  if (d.default_value !== undefined && d.default_value !== null) def.default = String(d.default_value);
  const allowed = allowedFrom(d.type, recommended ?? d.recommended_values);
  if (allowed) def.allowed = allowed;
  if (d.group) def.group = d.group;
  return def;
}

async function selfManaged() {
  const url = flag('--connect', 'http://127.0.0.1:28083').replace(/\/$/, '');
  const credsFile = flag('--credentials');
  const headers = { accept: 'application/json', 'content-type': 'application/json' };
  if (credsFile) {
    const c = JSON.parse(readFileSync(credsFile, 'utf8')).connect;
    headers.authorization = 'Basic ' + Buffer.from(`${c.username}:${c.password}`).toString('base64');
  }
  const get = async (path, init = {}) => {
    const res = await fetch(url + path, { headers, ...init });
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  const plugins = await get('/connector-plugins?connectorsOnly=true');
  const catalog = { source: `${url} (Kafka Connect REST)`, plugins: {} };
  for (const p of plugins.sort((a, b) => a.class.localeCompare(b.class))) {
    const probe = { 'connector.class': p.class, name: 'kcops-catalog-probe' };
    if (p.type === 'sink') probe.topics = 'kcops-catalog-probe';
    const res = await get(`/connector-plugins/${encodeURIComponent(p.class)}/config/validate`, {
      method: 'PUT',
      body: JSON.stringify(probe),
    });
    const keys = {};
    for (const c of res.configs) keys[c.definition.name] = keyDef(c.definition, c.value?.recommended_values);
    catalog.plugins[p.class] = { type: p.type, version: p.version, keys };
  }
  return catalog;
}

function managed() {
  const dir = join(root, '../shared/specs/managed-connectors');
  const catalog = { source: '../shared/specs/managed-connectors/*_resolved_templates.json (config_defs)', plugins: {} };
  for (const f of readdirSync(dir)
    .filter((n) => n.endsWith('_resolved_templates.json'))
    .sort()) {
    const { templates } = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const main = templates.find((t) => t.connector_type);
    // A key may be defined in several templates (the connector's own, then common ones it includes); the first
    // definition of each field wins, and a bare reference (`{"name": ...}` with no fields) takes the included one.
    const raw = {};
    for (const t of templates) for (const d of t.config_defs ?? []) raw[d.name] = { ...d, ...raw[d.name] };
    const keys = {};
    for (const [name, d] of Object.entries(raw)) keys[name] = keyDef(d);
    catalog.plugins[main.template_id] = {
      type: main.connector_type.toLowerCase(),
      workerClass: main['connector.class'],
      keys,
    };
  }
  return catalog;
}

const write = (name, data) => writeFileSync(join(out, name), JSON.stringify(data, null, 1) + '\n');
write('confluent-cloud.json', managed());
if (!args.includes('--managed-only')) write('self-managed.json', await selfManaged());
process.stdout.write(`catalog written to ${out}\n`);
