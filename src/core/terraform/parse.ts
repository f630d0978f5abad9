import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Position } from '../validate/finding.js';
import { matchClose } from './locate.js';

/** One HCL body as @cdktf/hcl2json gives it: attributes are values, nested blocks are arrays of bodies. */
export type TfBody = Record<string, unknown>;

export interface TfBlock {
  kind: 'resource' | 'data' | 'variable' | 'output' | 'module' | 'locals' | 'provider' | 'terraform';
  /** resource/data type; absent for the other kinds. */
  type?: string;
  name: string;
  body: TfBody;
  /** Path as shown in findings. */
  file: string;
  at: Position;
  /** The block's source text (header to the matching brace), for locating arguments inside it. */
  text: string;
  /** Line of the block header in the file (1-based), to turn offsets in `text` into positions. */
  textLine: number;
}

export interface TfFile {
  path: string;
  text: string;
  kind: 'tf' | 'tfvars';
  /** Top-level JSON of the file (blocks for .tf, attributes for .tfvars). */
  json: TfBody;
}

/** One directory of .tf files = one Terraform module. */
export interface TfModule {
  dir: string;
  files: TfFile[];
  blocks: TfBlock[];
  parseErrors: { file: string; message: string; at: Position }[];
}

type Hcl2Json = typeof import('@cdktf/hcl2json');
let hcl: Promise<Hcl2Json> | undefined;
/** The HCL parser is the HCL library compiled to WASM (about 2 s to start): loaded only when Terraform is checked. */
function parser(): Promise<Hcl2Json> {
  hcl ??= import('@cdktf/hcl2json');
  return hcl;
}

/** Parses one HCL file to JSON; throws the parser's message positioned as `{ message, at }` on a syntax error. */
export async function parseHcl(name: string, text: string): Promise<TfBody> {
  const { parse } = await parser();
  try {
    return (await parse(name, text)) as TfBody;
  } catch (e) {
    throw Object.assign(new Error('HCL syntax error'), { hcl: parseError(String((e as Error).message ?? e)) });
  }
}

/** The position and message of a parseHcl error; undefined for any other error. */
export function hclErrorOf(e: unknown): { message: string; at: Position } | undefined {
  return (e as { hcl?: { message: string; at: Position } }).hcl;
}

/** Every directory under `root` (itself included) that holds .tf files; .terraform/ and dot-folders skipped. */
export function moduleDirs(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    const names = readdirSync(dir).sort();
    if (names.some((n) => n.endsWith('.tf'))) out.push(dir);
    for (const n of names) {
      if (n.startsWith('.')) continue;
      const p = join(dir, n);
      if (statSync(p).isDirectory()) walk(p);
    }
  };
  if (existsSync(root)) walk(root);
  return out;
}

/** Parses the .tf and .tfvars files of one directory (not recursive). */
export async function parseModule(dir: string, display: (abs: string) => string): Promise<TfModule> {
  const { parse } = await parser();
  const mod: TfModule = { dir, files: [], blocks: [], parseErrors: [] };
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.tf') || n.endsWith('.tfvars'))
    .sort();
  for (const n of names) {
    const abs = join(dir, n);
    const text = readFileSync(abs, 'utf8');
    const path = display(abs);
    let json: TfBody;
    try {
      json = (await parse(n, text)) as TfBody;
    } catch (e) {
      mod.parseErrors.push({ file: path, ...parseError(String((e as Error).message ?? e)) });
      continue;
    }
    const file: TfFile = { path, text, kind: n.endsWith('.tf') ? 'tf' : 'tfvars', json };
    mod.files.push(file);
    if (file.kind === 'tf') mod.blocks.push(...blocksOf(file));
  }
  return mod;
}

/** "parse config: [main.tf:3,14-15: Unclosed configuration block; ...]" → message and position. */
function parseError(raw: string): { message: string; at: Position } {
  const m = /:(\d+),(\d+)(?:-\d+)?: ([^\]]+)/.exec(raw);
  return m
    ? { message: m[3]!.trim(), at: { line: Number(m[1]), column: Number(m[2]) } }
    : { message: raw, at: { line: 1, column: 1 } };
}

const KINDS = ['resource', 'data', 'variable', 'output', 'module', 'locals', 'provider', 'terraform'] as const;

/**
 * hcl2json gives no source positions, so each block is located by searching the text for its header
 * (`resource "type" "name"`), in file order; arguments are located the same way inside the block's text.
 */
function blocksOf(file: TfFile): TfBlock[] {
  const out: TfBlock[] = [];
  for (const kind of KINDS) {
    const section = file.json[kind];
    if (section === undefined) continue;
    if (kind === 'resource' || kind === 'data') {
      for (const [type, byName] of Object.entries(section as Record<string, Record<string, TfBody[]>>))
        for (const [name, bodies] of Object.entries(byName))
          for (const body of bodies) out.push(located(file, kind, name, body, type));
    } else if (kind === 'locals' || kind === 'terraform') {
      for (const body of section as TfBody[]) out.push(located(file, kind, kind, body));
    } else if (kind === 'provider') {
      for (const [name, bodies] of Object.entries(section as Record<string, TfBody[]>))
        for (const body of bodies) out.push(located(file, kind, name, body));
    } else {
      for (const [name, bodies] of Object.entries(section as Record<string, TfBody[]>))
        for (const body of bodies) out.push(located(file, kind, name, body));
    }
  }
  return out;
}

export const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function located(file: TfFile, kind: TfBlock['kind'], name: string, body: TfBody, type?: string): TfBlock {
  const label = (s: string): string => `"?${esc(s)}"?`;
  const header =
    kind === 'resource' || kind === 'data'
      ? `${kind}\\s+${label(type!)}\\s+${label(name)}`
      : kind === 'locals' || kind === 'terraform'
        ? kind
        : `${kind}\\s+${label(name)}`;
  const m = new RegExp(`^[ \\t]*(${header})\\s*\\{`, 'm').exec(file.text);
  const offset = m ? m.index + m[0].indexOf(m[1]!) : 0;
  const at = positionAt(file.text, offset);
  return {
    kind,
    ...(type ? { type } : {}),
    name,
    body,
    file: file.path,
    at,
    text: m ? blockText(file.text, offset) : file.text,
    textLine: m ? at.line : 1,
  };
}

/** From a header to its matching closing brace (strings, heredocs and comments skipped: see locate.ts). */
function blockText(text: string, from: number): string {
  const open = text.indexOf('{', from);
  return open < 0 ? text.slice(from) : text.slice(from, matchClose(text, open) + 1);
}

export function positionAt(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Where `needle` (an argument name as `name =` / `name {`, or any text) first appears inside a block; else the header. */
export function locateIn(block: { text: string; textLine: number; at: Position }, needle: string | RegExp): Position {
  const re = typeof needle === 'string' ? new RegExp(`(^|[^A-Za-z0-9_])(${esc(needle)})\\b`, 'm') : needle;
  const m = re.exec(block.text);
  if (!m) return block.at;
  const idx = m.index + (m[1]?.length ?? 0);
  const p = positionAt(block.text, idx);
  return { line: block.textLine + p.line - 1, column: p.line === 1 ? block.at.column + p.column - 1 : p.column };
}

/** Where argument or nested block `name` is written inside a block (`name =` or `name {`); else the block header. */
export function argAt(block: { text: string; textLine: number; at: Position }, name: string): Position {
  return locateIn(block, new RegExp(`(^[ \\t]*)(${esc(name)})\\s*(=|\\{|")`, 'm'));
}
