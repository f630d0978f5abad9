#!/usr/bin/env node
/**
 * Regenerates the connector catalog `kcops validate` uses offline: one JSON file per plugin in
 * src/core/validate/catalog/plugins/ (loaded only when a file names that class) and the small index
 * src/core/validate/catalog/plugin-index.ts that says which classes exist. Every entry records where it came from.
 *
 * Sources, each optional:
 *  --maven      the plugins on Maven Central (scripts/catalog-dump/pom.xml): a tiny Java program calls each connector's
 *               and transformation's config() and prints its ConfigDef (needs mvn and a JDK; jars stay in ~/.m2);
 *  --connect U  every plugin of a running Connect cluster, from `PUT /connector-plugins/{class}/config/validate`
 *               (with --credentials FILE for a cluster behind basic auth);
 *  always       the Confluent Cloud templates in ../shared/specs/managed-connectors/ (when present) and the entries
 *               written from published documentation in scripts/catalog-docs/ (Confluent's and Aiven's connectors).
 *
 * Usage: node scripts/gen-catalog.mjs [--maven] [--connect http://127.0.0.1:28083 --credentials creds.json]
 * Only definitions are written: no values, no credentials.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'src/core/validate/catalog');
const pluginsDir = join(out, 'plugins');
const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};

/** What --maven dumps, with the artifact recorded as the source of each entry. */
const MAVEN = {
  'org.apache.kafka:connect-mirror:4.3.1': [
    'org.apache.kafka.connect.mirror.MirrorSourceConnector',
    'org.apache.kafka.connect.mirror.MirrorCheckpointConnector',
    'org.apache.kafka.connect.mirror.MirrorHeartbeatConnector',
  ],
  'io.debezium:debezium-connector-mysql:3.6.1.Final': ['io.debezium.connector.mysql.MySqlConnector'],
  'io.debezium:debezium-connector-sqlserver:3.6.1.Final': ['io.debezium.connector.sqlserver.SqlServerConnector'],
  'io.debezium:debezium-connector-mongodb:3.6.1.Final': ['io.debezium.connector.mongodb.MongoDbConnector'],
};
/** Debezium's transformations: only their deprecated options are kept (catalog/transforms.json). */
const MAVEN_TRANSFORMS = {
  'io.debezium:debezium-core:3.6.1.Final': [
    'io.debezium.transforms.ExtractNewRecordState',
    'io.debezium.transforms.ByLogicalTableRouter',
    'io.debezium.transforms.outbox.EventRouter',
  ],
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

const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * ConfigDef has no deprecated flag: plugins say it in the documentation. A key counts as deprecated only when the text
 * says so of the key itself ("(Deprecated) ...", "This property is deprecated", "<key> is deprecated"), not when it
 * mentions some other deprecated thing (a JAAS option, a value).
 */
function keyDeprecation(name, doc) {
  if (!doc) return undefined;
  const explicit =
    /^\(?deprecated\b/i.test(doc) ||
    /\bthis (property|option|setting|config(uration)?( property)?) (is|has been) deprecated\b/i.test(doc) ||
    new RegExp(`\\b${escapeRe(name)}\\b[^.]{0,40}\\b(is|has been) deprecated\\b`, 'i').test(doc);
  if (!explicit) return undefined;
  const replacement =
    /\b(?:use|in favou?r of|replaced by)\s+(?:the\s+)?['"`]?([a-z][a-z0-9_-]*(?:\.[a-z0-9_-]+)+)/i.exec(doc)?.[1];
  const first = doc.replace(/^\(deprecated\)\s*/i, '').split(/(?<=\.)\s/)[0];
  const note = /deprecat/i.test(first) ? first : `deprecated: ${first}`;
  return { deprecated: note.length > 200 ? note.slice(0, 197) + '...' : note, ...(replacement ? { replacement } : {}) };
}

/** "'exported': This option is deprecated; use 'initial' instead" → a deprecated value with its replacement. */
function valueDeprecations(key, doc) {
  const found = [];
  const re = /'([\w.+-]+)':\s*(?:This option is deprecated|Deprecated)[^;'.]*[;,.]?\s*(?:please\s+)?use '([\w.+-]+)'/gi;
  for (const m of doc?.matchAll(re) ?? []) found.push({ key, value: m[1], replacement: m[2], note: 'deprecated' });
  return found;
}

function fromConfigDump(entry, source) {
  const keys = {};
  const values = [];
  for (const [name, k] of Object.entries(entry.keys)) {
    const def = { type: k.type, required: k.required };
    if (k.default !== undefined) def.default = k.default;
    if (k.allowed?.length) def.allowed = k.allowed;
    if (k.group) def.group = k.group;
    Object.assign(def, keyDeprecation(name, k.doc));
    values.push(...valueDeprecations(name, k.doc));
    keys[name] = def;
  }
  return {
    type: entry.type,
    version: entry.version,
    source,
    ...(values.length ? { valueDeprecations: values } : {}),
    keys,
  };
}

function maven() {
  const dumpDir = join(root, 'scripts/catalog-dump');
  const work = mkdtempSync(join(tmpdir(), 'kcops-catalog-'));
  try {
    const cpFile = join(work, 'cp.txt');
    execFileSync(
      'mvn',
      ['-B', '-q', '-f', join(dumpDir, 'pom.xml'), 'dependency:build-classpath', `-Dmdep.outputFile=${cpFile}`],
      {
        stdio: 'inherit',
      },
    );
    const cp = readFileSync(cpFile, 'utf8').trim();
    execFileSync('javac', ['-d', work, '-cp', cp, join(dumpDir, 'src/main/java/dev/kcops/catalog/ConfigDump.java')], {
      stdio: 'inherit',
    });
    const classes = [...Object.values(MAVEN), ...Object.values(MAVEN_TRANSFORMS)].flat();
    const dump = JSON.parse(
      execFileSync('java', ['-cp', `${work}:${cp}`, 'dev.kcops.catalog.ConfigDump', ...classes], {
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    );
    for (const [artifact, list] of Object.entries(MAVEN))
      for (const cls of list)
        writePlugin(cls, false, fromConfigDump(dump[cls], `Maven Central ${artifact}: ${cls}.config() (ConfigDef)`));
    const transforms = {};
    for (const [artifact, list] of Object.entries(MAVEN_TRANSFORMS))
      for (const cls of list) {
        const deprecated = {};
        for (const [name, k] of Object.entries(dump[cls].keys)) {
          const d = keyDeprecation(name, k.doc);
          if (d) deprecated[name] = d;
        }
        transforms[cls] = {
          version: dump[cls].version,
          source: `Maven Central ${artifact}: ${cls}.config()`,
          // Options a transformation no longer defines are ignored: the list lets validate say so.
          keys: Object.keys(dump[cls].keys).sort(),
          deprecated,
        };
      }
    writeFileSync(join(out, 'transforms.json'), JSON.stringify({ transforms }, null, 1) + '\n');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

async function connect(url) {
  const headers = { accept: 'application/json', 'content-type': 'application/json' };
  const credsFile = flag('--credentials');
  if (credsFile) {
    const c = JSON.parse(readFileSync(credsFile, 'utf8')).connect;
    headers.authorization = 'Basic ' + Buffer.from(`${c.username}:${c.password}`).toString('base64');
  }
  const base = url.replace(/\/$/, '');
  const get = async (path, init = {}) => {
    const res = await fetch(base + path, { headers, ...init });
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: HTTP ${res.status} ${await res.text()}`);
    return res.json();
  };
  for (const p of await get('/connector-plugins?connectorsOnly=true')) {
    const probe = { 'connector.class': p.class, name: 'kcops-catalog-probe' };
    if (p.type === 'sink') probe.topics = 'kcops-catalog-probe';
    const res = await get(`/connector-plugins/${encodeURIComponent(p.class)}/config/validate`, {
      method: 'PUT',
      body: JSON.stringify(probe),
    });
    const keys = {};
    for (const c of res.configs) keys[c.definition.name] = keyDef(c.definition, c.value?.recommended_values);
    writePlugin(p.class, false, {
      type: p.type,
      version: p.version,
      source: `Kafka Connect REST PUT /connector-plugins/${p.class}/config/validate`,
      keys,
    });
  }
}

function managed() {
  // The specs live beside the checkout (../shared), or where KCOPS_SHARED_DIR says (as in test/shared-dir.ts).
  const dir = [process.env.KCOPS_SHARED_DIR, join(root, '../shared'), '/work/shared']
    .filter(Boolean)
    .map((d) => join(d, 'specs/managed-connectors'))
    .find((d) => existsSync(d));
  if (!dir) {
    process.stderr.write('managed connector specs not found: the Confluent Cloud entries are left as they are\n');
    return;
  }
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
    writePlugin(main.template_id, true, {
      type: main.connector_type.toLowerCase(),
      workerClass: main['connector.class'],
      source: `Confluent Cloud connector template specs/managed-connectors/${f} (config_defs)`,
      keys,
    });
  }
}

function docs() {
  const dir = join(root, 'scripts/catalog-docs');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const { class: cls, ...entry } = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    writePlugin(cls, false, { ...entry, source: `${entry.source} (written from the published documentation)` });
  }
}

const fileOf = (cls, managed) => `${managed ? 'managed' : 'self'}.${cls.replace(/[^A-Za-z0-9._-]/g, '_')}.json`;

function writePlugin(cls, managed, entry) {
  mkdirSync(pluginsDir, { recursive: true });
  const data = { class: cls, managed, complete: true, ...entry };
  writeFileSync(join(pluginsDir, fileOf(cls, managed)), JSON.stringify(data, null, 1) + '\n');
}

/** The index is TypeScript so that each plugin file is a lazy import() the compiler copies into dist/. */
function writeIndex() {
  const entries = readdirSync(pluginsDir)
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n) => {
      const p = JSON.parse(readFileSync(join(pluginsDir, n), 'utf8'));
      return (
        `  {\n    class: ${JSON.stringify(p.class)},\n    type: ${JSON.stringify(p.type === 'sink' ? 'sink' : 'source')},\n` +
        `    managed: ${p.managed},\n    load: () => import('./plugins/${n}', { with: { type: 'json' } }),\n  },`
      );
    });
  writeFileSync(
    join(out, 'plugin-index.ts'),
    [
      '// Generated by scripts/gen-catalog.mjs from plugins/*.json: do not edit.',
      "import type { IndexEntry } from './index-entry.js';",
      '',
      'export const PLUGIN_INDEX: IndexEntry[] = [',
      ...entries,
      '];',
      '',
    ].join('\n'),
  );
  // The index is checked by prettier like any source file.
  execFileSync(join(root, 'node_modules/.bin/prettier'), ['--write', join(out, 'plugin-index.ts')], {
    stdio: 'ignore',
  });
}

if (args.includes('--maven')) maven();
const connectUrl = flag('--connect');
if (connectUrl) await connect(connectUrl);
managed();
docs();
writeIndex();
process.stdout.write(`catalog written to ${out}\n`);
