import { parse as parseJsonAst, type AnyNode, type DocumentNode, type ObjectNode } from '@humanwhocodes/momoa';
import type { Node as YamlNode } from 'yaml';
import { extname, basename } from 'node:path';
import type { Position } from '../validate/finding.js';
import { MAX_NESTING, positionAt, tooDeepAt, yamlMessage } from './nesting.js';
import { yamlLib } from './yaml-lib.js';

/**
 * A connector file as loaded, whatever it turned out to be: the REST body kcops wants, or one of the shapes people
 * actually keep in repositories (flat/bare config maps, .properties, Strimzi YAML, Terraform, templates). The config
 * entries keep their source positions so every finding can point at file:line:col.
 */
export type Shape = 'rest' | 'flat' | 'bare' | 'properties' | 'strimzi' | 'terraform' | 'template' | 'not-connector';

export type ValueKind = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array' | 'expression';

export interface ConfigEntry {
  key: string;
  kind: ValueKind;
  /** The value as Connect would see it after coercion; undefined for objects, arrays and unevaluated expressions. */
  value: string | undefined;
  keyAt: Position;
  valueAt: Position;
}

export type LoadProblem =
  | { kind: 'empty' | 'binary' | 'encoding' | 'too-large' | 'too-deep'; at: Position; detail: string }
  | { kind: 'invalid-json' | 'invalid-yaml' | 'invalid-hcl'; at: Position; detail: string };

export interface ConnectorFile {
  path: string;
  text: string;
  shape: Shape;
  /** True when the config was recovered from around invalid syntax (e.g. a curl command wrapping the JSON). */
  recovered: boolean;
  /** How it was recovered, for the finding that says so. */
  recoveredAs?: 'embedded' | 'shell-escaped' | 'embedded, shell-escaped';
  name?: { value: string; at: Position };
  state?: { value: string | undefined; at: Position };
  topLevel: { key: string; at: Position }[];
  /** Every entry in file order, duplicates included. */
  entries: ConfigEntry[];
  /** Last occurrence wins, as in Connect. */
  config: Map<string, ConfigEntry>;
  configAt: Position;
  problems: LoadProblem[];
}

/** Bigger than any sane connector config; parsing megabytes of junk would only slow CI down. */
export const MAX_CONNECTOR_FILE_BYTES = 1024 * 1024;

const START: Position = { line: 1, column: 1 };

export function loadConnectorFile(path: string, bytes: Uint8Array): ConnectorFile {
  const file: ConnectorFile = {
    path,
    text: '',
    shape: 'not-connector',
    recovered: false,
    topLevel: [],
    entries: [],
    config: new Map(),
    configAt: START,
    problems: [],
  };
  if (bytes.length > MAX_CONNECTOR_FILE_BYTES) {
    file.problems.push({
      kind: 'too-large',
      at: START,
      detail: `${bytes.length} bytes (limit ${MAX_CONNECTOR_FILE_BYTES})`,
    });
    return file;
  }
  if (bytes.includes(0)) {
    file.problems.push({ kind: 'binary', at: START, detail: 'contains NUL bytes' });
    return file;
  }
  try {
    file.text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    file.problems.push({ kind: 'encoding', at: firstBadByte(bytes), detail: 'not valid UTF-8' });
    return file;
  }
  if (file.text.trim().length === 0) {
    file.problems.push({ kind: 'empty', at: START, detail: 'the file is empty' });
    return file;
  }
  const ext = extname(path).toLowerCase();
  const yaml = ext === '.yaml' || ext === '.yml';
  const deep =
    ext === '.properties' || ext === '.props' || ext === '.conf' ? undefined : tooDeepAt(file.text, { yaml });
  if (deep !== undefined) {
    file.problems.push({
      kind: 'too-deep',
      at: positionAt(file.text, deep),
      detail: `nested more than ${MAX_NESTING} levels deep here (a connector config is a flat map of strings)`,
    });
    return file;
  }
  if (ext === '.properties' || ext === '.props' || ext === '.conf') loadProperties(file);
  else if (yaml) loadYaml(file);
  else if (ext === '.tf' || ext === '.hcl') loadTerraform(file);
  else loadJson(file, ext === '.tpl' || ext === '.tmpl' || /\.(j2|jinja|template)$/.test(path));
  for (const e of file.entries) file.config.set(e.key, e);
  return file;
}

/** Name a connector file should have: `<name>.json`. */
export function fileStem(path: string): string {
  return basename(path).replace(/\.[^.]+$/, '');
}

function firstBadByte(bytes: Uint8Array): Position {
  // Decode progressively to find where UTF-8 breaks, so the finding points at the line.
  let line = 1;
  let lastNl = -1;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i] ?? 0;
    if (b === 0x0a) {
      line++;
      lastNl = i;
    }
    if (b >= 0x80) {
      const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 0;
      const seq = bytes.subarray(i, i + Math.max(len, 1));
      const ok = len > 0 && seq.length === len && [...seq.subarray(1)].every((c) => (c & 0xc0) === 0x80);
      if (!ok) return { line, column: i - lastNl };
      i += len - 1;
    }
  }
  return START;
}

// ---------------------------------------------------------------- JSON

function loadJson(file: ConnectorFile, template: boolean): void {
  let doc: DocumentNode | undefined;
  let shift: Shift | undefined;
  try {
    doc = parseJsonAst(file.text, { mode: 'json' });
  } catch (e) {
    const err = e as { line?: number; column?: number; message?: string };
    file.problems.push({
      kind: 'invalid-json',
      at: { line: err.line ?? 1, column: err.column ?? 1 },
      detail: String(err.message ?? e).replace(/\s*\(\d+:\d+\)$/, ''),
    });
    const recovered = recoverJson(file.text);
    if (!recovered) return;
    doc = recovered.doc;
    shift = recovered.shift;
    file.recovered = true;
    file.recoveredAs = recovered.as;
  }
  if (doc.body.type !== 'Object') return;
  readJsonBody(file, doc.body);
  if (shift) shiftPositions(file, shift);
  if (template && file.shape !== 'not-connector') file.shape = 'template';
}

/**
 * Payloads copied out of a shell script keep the shell's escapes: `\'` from a single-quoted curl body ('it'\''s' is
 * often shortened to it\'s), `\$`, `\`` and `\!` from an unquoted heredoc. They are not JSON escapes, so the file
 * is invalid JSON, but what the shell sends is clear: drop the backslash. `\\` and `\"` are JSON escapes and stay.
 */
const SHELL_ESCAPE = /\\(\\|["'$`!])/g;

/** Removed backslashes per line (1-based), as columns of the text after removal, to map positions back. */
type Shift = Map<number, number[]>;

function unshell(text: string): { text: string; shift: Shift } | undefined {
  const shift: Shift = new Map();
  let changed = false;
  const lines = text.split('\n').map((line, i) => {
    let removed = 0;
    return line.replace(SHELL_ESCAPE, (m: string, c: string, offset: number) => {
      if (c === '\\' || c === '"') return m;
      changed = true;
      const at = offset - removed + 1;
      removed++;
      shift.set(i + 1, [...(shift.get(i + 1) ?? []), at]);
      return c;
    });
  });
  return changed ? { text: lines.join('\n'), shift } : undefined;
}

function shiftPositions(file: ConnectorFile, shift: Shift): void {
  const fix = (p: Position): Position => {
    const cols = shift.get(p.line);
    return cols ? { line: p.line, column: p.column + cols.filter((c) => c < p.column).length } : p;
  };
  file.configAt = fix(file.configAt);
  if (file.name) file.name = { ...file.name, at: fix(file.name.at) };
  if (file.state) file.state = { ...file.state, at: fix(file.state.at) };
  file.topLevel = file.topLevel.map((t) => ({ ...t, at: fix(t.at) }));
  file.entries = file.entries.map((e) => ({ ...e, keyAt: fix(e.keyAt), valueAt: fix(e.valueAt) }));
}

/** Embedded JSON (a curl command around it), shell-escaped JSON, or both; undefined when none of them parses. */
function recoverJson(
  text: string,
): { doc: DocumentNode; as: NonNullable<ConnectorFile['recoveredAs']>; shift?: Shift } | undefined {
  const embedded = recoverEmbeddedJson(text);
  if (embedded) return { doc: embedded, as: 'embedded' };
  const unescaped = unshell(text);
  if (!unescaped) return undefined;
  try {
    return { doc: parseJsonAst(unescaped.text, { mode: 'json' }), as: 'shell-escaped', shift: unescaped.shift };
  } catch {
    const both = recoverEmbeddedJson(unescaped.text);
    return both ? { doc: both, as: 'embedded, shell-escaped', shift: unescaped.shift } : undefined;
  }
}

/**
 * JSON wrapped in something else (a `curl -d '{...}'` command, a heredoc): blank out everything outside the outermost
 * braces, keeping newlines, so that positions still match the original file.
 */
function recoverEmbeddedJson(text: string): DocumentNode | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  const blank = (s: string): string => s.replace(/[^\n]/g, ' ');
  try {
    return parseJsonAst(blank(text.slice(0, start)) + text.slice(start, end + 1) + blank(text.slice(end + 1)), {
      mode: 'json',
    });
  } catch {
    return undefined;
  }
}

function at(n: AnyNode): Position {
  return { line: n.loc.start.line, column: n.loc.start.column };
}

function jsonEntry(text: string, key: string, keyNode: AnyNode, v: AnyNode): ConfigEntry {
  // One object literal per entry (no spreads): a minified file can hold tens of thousands of them.
  const keyAt = at(keyNode);
  const valueAt = at(v);
  switch (v.type) {
    case 'String':
      return { key, keyAt, valueAt, kind: 'string', value: v.value };
    case 'Number':
      // As written: Connect receives strings, and a JavaScript number would round 20 digits (or 1e400) away.
      return { key, keyAt, valueAt, kind: 'number', value: text.slice(v.loc.start.offset, v.loc.end.offset) };
    case 'Boolean':
      return { key, keyAt, valueAt, kind: 'boolean', value: String(v.value) };
    case 'Null':
      return { key, keyAt, valueAt, kind: 'null', value: undefined };
    case 'Array':
      return { key, keyAt, valueAt, kind: 'array', value: undefined };
    default:
      return { key, keyAt, valueAt, kind: 'object', value: undefined };
  }
}

function readJsonBody(file: ConnectorFile, body: ObjectNode): void {
  file.configAt = at(body);
  let configNode: ObjectNode | undefined;
  for (const m of body.members) {
    const key = m.name.type === 'String' ? m.name.value : m.name.name;
    file.topLevel.push({ key, at: at(m.name) });
    if (key === 'config' && m.value.type === 'Object') configNode = m.value;
    if (key === 'name' && m.value.type === 'String') file.name = { value: m.value.value, at: at(m.value) };
    if (key === 'state') file.state = { value: m.value.type === 'String' ? m.value.value : undefined, at: at(m.value) };
  }
  const target = configNode ?? body;
  if (configNode) {
    file.shape = 'rest';
    file.configAt = at(configNode);
  }
  for (const m of target.members) {
    const key = m.name.type === 'String' ? m.name.value : m.name.name;
    file.entries.push(jsonEntry(file.text, key, m.name, m.value));
  }
  if (!configNode) {
    const hasClass = file.entries.some((e) => e.key === 'connector.class');
    const hasName = file.entries.some((e) => e.key === 'name' && e.kind === 'string');
    file.shape = !hasClass ? 'not-connector' : hasName ? 'flat' : 'bare';
    file.name = undefined;
    const nameEntry = file.entries.find((e) => e.key === 'name' && e.kind === 'string');
    if (nameEntry?.value !== undefined) file.name = { value: nameEntry.value, at: nameEntry.valueAt };
  }
}

// ---------------------------------------------------------------- .properties

/** Java .properties, close enough for connector files: `k=v`, `k: v`, `k v`, `#`/`!` comments, `\` continuations. */
function loadProperties(file: ConnectorFile): void {
  file.shape = 'properties';
  const lines = file.text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i] ?? '';
    const lineNo = i + 1;
    const indent = line.length - line.trimStart().length;
    if (/^\s*([#!]|$)/.test(line)) continue;
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length)
      line = line.slice(0, -1) + (lines[++i] ?? '').trimStart();
    const m = /^\s*((?:\\.|[^=:\s\\])+)\s*[=:\s]\s*(.*)$/.exec(line) ?? /^\s*((?:\\.|[^=:\s\\])+)\s*$/.exec(line);
    if (!m) continue;
    const key = (m[1] ?? '').replace(/\\(.)/g, '$1');
    const raw = m[2] ?? '';
    const valueCol = line.length - raw.length + 1;
    file.entries.push({
      key,
      kind: 'string',
      value: raw.replace(/\\(.)/g, '$1'),
      keyAt: { line: lineNo, column: indent + 1 },
      valueAt: { line: lineNo, column: valueCol },
    });
  }
  const name = file.entries.find((e) => e.key === 'name');
  if (name?.value !== undefined) file.name = { value: name.value, at: name.valueAt };
  // Findings about the whole config point at its first property, not at a licence comment above it.
  if (file.entries[0]) file.configAt = file.entries[0].keyAt;
}

// ---------------------------------------------------------------- YAML (Strimzi KafkaConnector)

function loadYaml(file: ConnectorFile): void {
  const { LineCounter, parseDocument, isMap, isScalar } = yamlLib();
  const lc = new LineCounter();
  const doc = parseDocument(file.text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  const pos = (n: YamlNode | null | undefined): Position => {
    const off = n?.range?.[0] ?? 0;
    const p = lc.linePos(off);
    return { line: p.line, column: p.col };
  };
  const err = doc.errors[0];
  if (err) {
    const p = lc.linePos(err.pos[0]);
    file.problems.push({ kind: 'invalid-yaml', at: { line: p.line, column: p.col }, detail: yamlMessage(err) });
    return;
  }
  const root = doc.contents;
  if (!isMap(root)) return;
  const get = (m: unknown, k: string): YamlNode | undefined =>
    isMap(m) ? (m.get(k, true) as YamlNode | undefined) : undefined;
  const kind = get(root, 'kind');
  if (!isScalar(kind) || kind.value !== 'KafkaConnector') return;
  file.shape = 'strimzi';
  const spec = get(root, 'spec');
  const metaName = get(get(root, 'metadata'), 'name');
  if (isScalar(metaName)) file.name = { value: String(metaName.value), at: pos(metaName) };
  const scalarEntry = (key: string, keyNode: YamlNode | undefined, v: YamlNode | undefined): ConfigEntry => {
    const value = isScalar(v) ? v.value : undefined;
    const kind: ValueKind =
      typeof value === 'string'
        ? 'string'
        : typeof value === 'number'
          ? 'number'
          : typeof value === 'boolean'
            ? 'boolean'
            : value === null
              ? 'null'
              : 'object';
    // Numbers as written (see jsonEntry): the source text of the scalar, not a rounded JavaScript number.
    const source = kind === 'number' && v?.range ? file.text.slice(v.range[0], v.range[1]) : undefined;
    return {
      key,
      kind,
      value: value === null || value === undefined ? undefined : (source ?? String(value)),
      keyAt: pos(keyNode ?? v),
      valueAt: pos(v),
    };
  };
  if (isMap(spec)) {
    file.configAt = pos(spec);
    for (const pair of spec.items) {
      const k = isScalar(pair.key) ? String(pair.key.value) : '';
      if (k === 'class')
        file.entries.push(scalarEntry('connector.class', pair.key as YamlNode, pair.value as YamlNode));
      if (k === 'tasksMax') file.entries.push(scalarEntry('tasks.max', pair.key as YamlNode, pair.value as YamlNode));
      if (k === 'config' && isMap(pair.value)) {
        for (const c of pair.value.items) {
          if (isScalar(c.key))
            file.entries.push(scalarEntry(String(c.key.value), c.key as YamlNode, c.value as YamlNode));
        }
      }
    }
  }
}

// ---------------------------------------------------------------- Terraform (confluent_connector resources)

/**
 * Not an HCL parser: it reads the `"key" = value` lines of `config_sensitive` / `config_nonsensitive` blocks, which is
 * all a confluent_connector resource holds. Quoted values are literals; anything else (var.x, module.y) is an
 * expression kcops cannot evaluate, so rules skip it.
 */
function loadTerraform(file: ConnectorFile): void {
  const lines = file.text.split(/\r?\n/);
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/^\s*config_(non)?sensitive\s*=\s*\{\s*$/.test(line)) {
      inBlock = true;
      file.shape = 'terraform';
      continue;
    }
    if (!inBlock) continue;
    if (/^\s*\}/.test(line)) {
      inBlock = false;
      continue;
    }
    const m = /^(\s*)"([^"]+)"\s*=\s*(.*?)\s*,?\s*$/.exec(line);
    if (!m) continue;
    const raw = m[3] ?? '';
    const quoted = /^"((?:\\.|[^"\\])*)"$/.exec(raw);
    const hasInterpolation = quoted !== null && /\$\{(?![A-Za-z0-9_.-]+:)/.test(quoted[1] ?? '');
    file.entries.push({
      key: m[2] ?? '',
      kind: quoted && !hasInterpolation ? 'string' : 'expression',
      value: quoted && !hasInterpolation ? (quoted[1] ?? '').replace(/\\(.)/g, '$1') : undefined,
      keyAt: { line: i + 1, column: (m[1] ?? '').length + 1 },
      valueAt: { line: i + 1, column: line.indexOf(raw) + 1 },
    });
  }
  const name = file.entries.find((e) => e.key === 'name');
  if (name?.value !== undefined) file.name = { value: name.value, at: name.valueAt };
}
