import { readFileSync } from 'node:fs';
import { lexists } from '../fs/boundary.js';
import { dirname, join, resolve } from 'node:path';
import type { Document } from 'yaml';
import { UserError } from '../../errors.js';
import { MAX_NESTING, positionAt, tooDeepAt, yamlMessage } from './nesting.js';
import { projectSchema, type Project } from './schema.js';
import { yamlLib } from './yaml-lib.js';
import { fastYamlValue } from './fast-yaml.js';
import type { Position } from '../validate/finding.js';

export const PROJECT_FILE = 'kcops.yaml';

export interface ProjectIssue {
  /** Dotted path into the document, e.g. environments.prod.cluster.type. */
  path: string;
  message: string;
  at: Position;
  kind: 'yaml' | 'schema';
}

export interface LoadedProject {
  file: string;
  root: string;
  text: string;
  /** Undefined when the file is invalid; issues then says why (all of it, not just the first problem). */
  project?: Project;
  issues: ProjectIssue[];
  /** Source position of a path, for findings about the project (e.g. a literal secret). */
  positionOf(path: (string | number)[]): Position;
}

/** kcops.yaml in `start` or the nearest parent directory. */
export function findProjectFile(start: string): string | undefined {
  let dir = resolve(start);
  for (;;) {
    const candidate = join(dir, PROJECT_FILE);
    // lstat, not exists: a kcops.yaml that is a broken or looping link is found here and reported, not skipped.
    if (projectFileExists(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** There is something at `file` (a file, or a link even when broken or looping: loadProject then says what). */
export function projectFileExists(file: string): boolean {
  return lexists(file);
}

/** How many times YAML aliases (*name) may be expanded in all: far more than any kcops.yaml uses, far less than a
 * "billion laughs" file needs to exhaust memory. */
const MAX_ALIAS_COUNT = 100;

export function loadProject(file: string): LoadedProject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ELOOP'
        ? 'it is a symbolic link that leads back to itself (a link cycle)'
        : code === 'ENOENT'
          ? 'it is a symbolic link to a file that does not exist'
          : code === 'EISDIR'
            ? 'it is a directory'
            : `it cannot be read (${code ?? 'error'})`;
    throw new UserError('PROJECT_UNREADABLE', `${file}:1:1: ${why}.`, {
      hint: 'kcops.yaml must be a file (a link to a file inside the repository is fine); `kcops init` writes one.',
      exitCode: 2,
    });
  }
  return parseProject(file, text);
}

export function parseProject(file: string, text: string): LoadedProject {
  const deep = tooDeepAt(text, { yaml: true });
  if (deep !== undefined) {
    const at = positionAt(text, deep);
    return {
      file,
      root: dirname(file),
      text,
      issues: [
        {
          path: '',
          message: `nested more than ${MAX_NESTING} levels deep here; kcops.yaml needs fewer than 10`,
          at,
          kind: 'yaml',
        },
      ],
      positionOf: () => at,
    };
  }
  const fast = fastProject(file, text);
  if (fast) return fast;
  const { LineCounter, parseDocument } = yamlLib();
  const lc = new LineCounter();
  const toPos = (offset: number): Position => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  // yaml's own duplicate-key check compares each key with every earlier key of its map: quadratic, minutes for a
  // kcops.yaml with thousands of environments or teams. duplicateKeyIssues does the same check with a set per map.
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
  const positionOf = (path: (string | number)[]): Position => nodePosition(doc, path, toPos);
  const loaded: LoadedProject = { file, root: dirname(file), text, issues: [], positionOf };
  for (const e of doc.errors)
    loaded.issues.push({ path: '', message: yamlMessage(e), at: toPos(e.pos[0]), kind: 'yaml' });
  if (loaded.issues.length > 0) return loaded;
  const found = structureIssues(doc, toPos);
  loaded.issues.push(...found.duplicates);
  if (loaded.issues.length > 0) return loaded;
  loaded.issues.push(...found.aliases, ...found.reserved);
  if (loaded.issues.length > 0) return loaded;
  let js: unknown;
  try {
    js = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // Aliases that expand past the limit (a "billion laughs" file): the only error toJS has left to throw.
    const first = firstAlias(doc);
    loaded.issues.push({
      path: '',
      message: `YAML aliases (*name) here expand to too much data (${(e as Error).message}); write the values out instead`,
      at: toPos(first?.range?.[0] ?? 0),
      kind: 'yaml',
    });
    return loaded;
  }
  const result = projectSchema.safeParse(js ?? {});
  if (result.success) {
    loaded.project = result.data;
    return loaded;
  }
  for (const issue of result.error.issues) {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    loaded.issues.push({ path: path.join('.'), message: issue.message, at: positionOf(path), kind: 'schema' });
  }
  return loaded;
}

/**
 * A valid kcops.yaml read without positions (fast-yaml.ts says why and when); undefined for anything else, which the
 * positioned read then reports. The yaml Document is built only if a finding asks where a path is.
 */
function fastProject(file: string, text: string): LoadedProject | undefined {
  const fast = fastYamlValue(text);
  if (fast === undefined) return undefined;
  const result = projectSchema.safeParse(fast.value ?? {});
  if (!result.success) return undefined;
  let positioned: { doc: Document; toPos: (o: number) => Position } | undefined;
  const positionOf = (path: (string | number)[]): Position => {
    if (positioned === undefined) {
      const { LineCounter, parseDocument } = yamlLib();
      const lc = new LineCounter();
      const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: false });
      positioned = { doc, toPos: (o: number) => ({ line: lc.linePos(o).line, column: lc.linePos(o).col }) };
    }
    return nodePosition(positioned.doc, path, positioned.toPos);
  };
  return { file, root: dirname(file), text, project: result.data, issues: [], positionOf };
}

/**
 * What yaml does not report (or, for duplicates, reports in quadratic time), found in ONE walk of the document:
 * - a key written twice in one map (YAML forbids it, the second would silently win), compared by scalar value and
 *   type (`1` and `"1"` differ) as yaml does, with a set per map;
 * - an alias used before (or without) its anchor: yaml would only say so when converting, with no position;
 * - `__proto__` as a key: JavaScript objects cannot hold it as an ordinary key, so it would vanish silently on the way
 *   into kcops (a team or environment named so would not exist). Refused where it is written.
 */
function structureIssues(
  doc: Document,
  toPos: (o: number) => Position,
): { duplicates: ProjectIssue[]; aliases: ProjectIssue[]; reserved: ProjectIssue[] } {
  const { isScalar, visit } = yamlLib();
  const duplicates: ProjectIssue[] = [];
  const aliases: ProjectIssue[] = [];
  const reserved: ProjectIssue[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const v: unknown = pair.key.value;
        const id = `${typeof v}:${String(v)}`;
        if (!seen.has(id)) {
          seen.add(id);
          continue;
        }
        duplicates.push({
          path: '',
          message: `Map keys must be unique: '${String(v)}' is already set above in the same map`,
          at: toPos(pair.key.range?.[0] ?? 0),
          kind: 'yaml',
        });
      }
    },
    Alias(_key, node) {
      if (node.resolve(doc) === undefined)
        aliases.push({
          path: '',
          message: `the alias *${node.source} has no anchor &${node.source} before it`,
          at: toPos(node.range?.[0] ?? 0),
          kind: 'yaml',
        });
    },
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.value === '__proto__')
        reserved.push({
          path: '',
          message: '`__proto__` cannot be used as a key or name',
          at: toPos(pair.key.range?.[0] ?? 0),
          kind: 'schema',
        });
    },
  });
  return { duplicates, aliases, reserved };
}

function firstAlias(doc: Document): { range?: [number, number, number] | null } | undefined {
  const { visit } = yamlLib();
  let found: { range?: [number, number, number] | null } | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** The deepest node on `path` that exists: a missing key is reported where its parent is. */
function nodePosition(doc: Document, path: (string | number)[], toPos: (o: number) => Position): Position {
  const { isMap, isSeq } = yamlLib();
  let node: unknown = doc.contents;
  let best = (doc.contents?.range?.[0] as number | undefined) ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
      if (!pair) break;
      const keyRange = (pair.key as { range?: [number, number, number] } | null)?.range;
      node = pair.value;
      best = (node as { range?: number[] } | null)?.range?.[0] ?? keyRange?.[0] ?? best;
      if (node === null) {
        best = keyRange?.[0] ?? best;
        break;
      }
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
      best = (node as { range?: number[] } | undefined)?.range?.[0] ?? best;
    } else break;
  }
  return toPos(best);
}
