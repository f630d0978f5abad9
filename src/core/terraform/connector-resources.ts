import type { ConfigEntry, ConnectorFile, ValueKind } from '../project/connector-file.js';
import type { Position } from '../validate/finding.js';
import { itemsOf, type Item } from './locate.js';
import { hclErrorOf, parseHcl, positionAt, type TfBody } from './parse.js';

/**
 * `confluent_connector` resources read as connector files, so that the connector rules check them exactly as they
 * check connectors/<env>/*.json: the values come from the HCL parser (@cdktf/hcl2json), the positions of the keys and
 * values from a lexical scan of the resource's text (locate.ts), so every finding points into the .tf file.
 *
 * A resource whose config_nonsensitive is one expression (`merge(...)`, `jsondecode(file(...))`, as the connectors
 * module of the blueprint writes it) has no literal keys to check: it is skipped, because its source of truth is the
 * JSON files that kcops validates anyway (the cross-checks make sure that module reads them).
 */
export interface TerraformConnectors {
  /** One per confluent_connector resource with literal config maps, in file order. */
  files: ConnectorFile[];
  /** How many confluent_connector resources the file has (checked or not). */
  resources: number;
  /** The HCL syntax error, when the file does not parse. */
  error?: { message: string; at: Position };
}

export async function loadTerraformConnectors(path: string, text: string): Promise<TerraformConnectors> {
  let json: TfBody;
  try {
    json = await parseHcl(path.split('/').pop() ?? 'main.tf', text);
  } catch (e) {
    const err = hclErrorOf(e);
    if (!err) throw e;
    return { files: [], resources: 0, error: err };
  }
  const byName = ((json.resource as Record<string, unknown> | undefined)?.confluent_connector ?? {}) as Record<
    string,
    TfBody[]
  >;
  const found: { offset: number; file: ConnectorFile }[] = [];
  let resources = 0;
  for (const [name, bodies] of Object.entries(byName))
    for (const [index, body] of bodies.entries()) {
      resources++;
      const open = resourceOpen(text, name, index);
      if (open < 0) continue;
      const file = connectorOf(path, text, open, body);
      if (file) found.push({ offset: open, file });
    }
  return { files: found.sort((a, b) => a.offset - b.offset).map((f) => f.file), resources };
}

/** Offset of the `{` of the index-th `resource "confluent_connector" "<name>"` block (skipping comments and strings). */
function resourceOpen(text: string, name: string, index: number): number {
  const header = new RegExp(
    `^[ \\t]*resource\\s+"confluent_connector"\\s+"${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"\\s*\\{`,
    'gm',
  );
  let n = 0;
  for (const m of text.matchAll(header)) if (n++ === index) return m.index + m[0].length - 1;
  return -1;
}

const MAPS = ['config_nonsensitive', 'config_sensitive'] as const;

function connectorOf(path: string, text: string, open: number, body: TfBody): ConnectorFile | undefined {
  const pos = (offset: number): Position => positionAt(text, offset);
  const items = itemsOf(text, open);
  const maps = MAPS.map((m) => ({ m, value: body[m], item: items.find((i) => i.key === m) }));
  // Only literal maps can be checked: an expression (a string to hcl2json) holds keys kcops cannot see.
  if (maps.some((x) => x.value !== undefined && !isMap(x.value))) return undefined;
  if (maps.every((x) => x.value === undefined)) return undefined;
  const file: ConnectorFile = {
    path,
    text,
    shape: 'terraform',
    recovered: false,
    topLevel: [],
    entries: [],
    config: new Map(),
    configAt: pos(maps.find((x) => x.item)?.item?.keyOffset ?? open),
    problems: [],
  };
  for (const { value, item } of maps) {
    if (!isMap(value)) continue;
    const mapOpen = item && text[item.valueOffset] === '{' ? item.valueOffset : -1;
    const written: Item[] = mapOpen >= 0 ? itemsOf(text, mapOpen) : [];
    const fallback = item?.keyOffset ?? open;
    // Source order (hcl2json sorts keys); a key the scan did not see points at its map.
    const order = (k: string): number => written.find((w) => w.key === k)?.keyOffset ?? Number.MAX_SAFE_INTEGER;
    for (const key of Object.keys(value).sort((a, b) => order(a) - order(b))) {
      const w = written.find((x) => x.key === key);
      file.entries.push(entry(key, value[key], text, w, fallback));
    }
  }
  // File order across both maps, as connector files list their entries (duplicates: the last one wins).
  file.entries.sort((a, b) => a.keyAt.line - b.keyAt.line || a.keyAt.column - b.keyAt.column);
  for (const e of file.entries) file.config.set(e.key, e);
  const name = file.config.get('name');
  if (name?.value !== undefined) file.name = { value: name.value, at: name.valueAt };
  return file;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A template (`"${var.x}"`, `"%{if}"`) or a bare expression, which hcl2json writes as "${...}". */
const TEMPLATE = /(^|[^$])\$\{|(^|[^%])%\{/;

function entry(key: string, v: unknown, text: string, w: Item | undefined, fallback: number): ConfigEntry {
  const keyAt = positionAt(text, w?.keyOffset ?? fallback);
  const valueAt = positionAt(text, w?.valueOffset ?? fallback);
  const base = { key, keyAt, valueAt };
  if (typeof v === 'string')
    return TEMPLATE.test(v)
      ? { ...base, kind: 'expression', value: undefined }
      : // $${ and %%{ are HCL's escapes for a literal ${ and %{ (a Connect config provider reference, for instance).
        { ...base, kind: 'string', value: v.replaceAll('$${', '${').replaceAll('%%{', '%{') };
  const kind: ValueKind =
    typeof v === 'number'
      ? 'number'
      : typeof v === 'boolean'
        ? 'boolean'
        : v === null
          ? 'null'
          : Array.isArray(v)
            ? 'array'
            : 'object';
  // Numbers as written (see jsonEntry in connector-file.ts): the source token, not a rounded JavaScript number.
  const token = kind === 'number' && w ? /^[0-9][0-9.eE+-]*/.exec(text.slice(w.valueOffset))?.[0] : undefined;
  return {
    ...base,
    kind,
    value: kind === 'number' ? (token ?? String(v)) : kind === 'boolean' ? String(v) : undefined,
  };
}
