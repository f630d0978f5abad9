import { readFileSync } from 'node:fs';
import { lexists } from '../fs/boundary.js';
import { UserError } from '../../errors.js';
import { dirname, join, resolve } from 'node:path';
import { LineCounter, isMap, isSeq, parseDocument, type Document } from 'yaml';
import { projectSchema, type Project } from './schema.js';
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
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const toPos = (offset: number): Position => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const positionOf = (path: (string | number)[]): Position => nodePosition(doc, path, toPos);
  const loaded: LoadedProject = { file, root: dirname(file), text, issues: [], positionOf };
  for (const e of doc.errors) {
    loaded.issues.push({ path: '', message: e.message.split('\n')[0] ?? e.message, at: toPos(e.pos[0]), kind: 'yaml' });
  }
  if (loaded.issues.length > 0) return loaded;
  const result = projectSchema.safeParse(doc.toJS() ?? {});
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

/** The deepest node on `path` that exists: a missing key is reported where its parent is. */
function nodePosition(doc: Document, path: (string | number)[], toPos: (o: number) => Position): Position {
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
