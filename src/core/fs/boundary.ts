import {
  appendFileSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  writeFileSync,
  type WriteFileOptions,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { UserError } from '../../errors.js';

/**
 * The repository boundary: the ONE place where a path under the repository is resolved for reading or writing.
 * Symbolic links that stay inside the repository are followed (each directory once, so `loop -> .` ends); a link
 * that leads out of it is never followed, neither to read (validate printed /etc) nor to write (a committed
 * `.kcops/audit/audit.jsonl.head -> /some/file` was overwritten by apply). A path the user names explicitly outside
 * the repository (`plan --out /tmp/plan.json`) is their choice and is used as given.
 */
export interface Boundary {
  /** The repository root as given (absolute). */
  root: string;
  /** Its real path: what "inside" is measured against. */
  real: string;
}

/** A link found while walking a directory that points out of the repository (not followed). */
export interface LinkEscape {
  /** The link, absolute. */
  link: string;
  /** What the link says (readlink), as written. */
  target: string;
}

export function boundaryOf(root: string): Boundary {
  const abs = resolve(root);
  return { root: abs, real: realOf(abs) };
}

/** Something is at `p`: a file, a directory, or a link even when broken or looping (existsSync says no to those). */
export function lexists(p: string): boolean {
  return lstatOrUndefined(p) !== undefined;
}

export function isInside(parent: string, child: string): boolean {
  const r = relative(parent, child);
  return r === '' || (r !== '..' && !r.startsWith('..' + sep) && !isAbsolute(r));
}

/**
 * The real path of `abs` with every link resolved, also when the file (or a dangling link's target) does not exist
 * yet: the deepest existing ancestor is resolved and the rest appended. A link cycle is a UserError naming the link.
 */
export function realOf(abs: string, depth = 0): string {
  if (depth > 40) throw linkLoop(abs);
  try {
    return realpathSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw linkLoop(abs);
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
  }
  const st = lstatOrUndefined(abs);
  // A dangling link: writing to it would create its target, so its target is where the path really goes.
  if (st?.isSymbolicLink()) return realOf(resolve(dirname(abs), readlinkSync(abs)), depth + 1);
  const parent = dirname(abs);
  if (parent === abs) return abs;
  return join(realOf(parent, depth), basename(abs));
}

/**
 * Where `abs` really is, for reading or writing. Inside the repository (by its name) it must stay inside (by its real
 * path), else PATH_OUTSIDE_REPO names the link and its target. Outside the repository by name: as given.
 */
export function resolveInside(b: Boundary, abs: string): string {
  const real = realOf(abs);
  if (!isInside(b.root, abs) && !isInside(b.real, abs)) return real;
  if (isInside(b.real, real)) return real;
  throw outsideError(b, abs, real);
}

/** Reads a file under the repository (see resolveInside). */
export function readInside(b: Boundary, abs: string): Buffer {
  return readFileSync(resolveInside(b, abs));
}

/** Writes a file under the repository, creating its directory; never through a link that leaves the repository. */
export function writeInside(b: Boundary, abs: string, data: string | Uint8Array, options?: WriteFileOptions): void {
  const real = resolveInside(b, abs);
  mkdirSync(dirname(real), { recursive: true });
  writeFileSync(real, data, options);
}

/** Creates a directory under the repository (and its parents), never through a link that leaves it. */
export function mkdirInside(b: Boundary, abs: string): void {
  mkdirSync(resolveInside(b, abs), { recursive: true });
}

/** Appends to a file under the repository (O_APPEND), never through a link that leaves it. */
export function appendInside(b: Boundary, abs: string, data: string, mode?: number): void {
  const real = resolveInside(b, abs);
  mkdirSync(dirname(real), { recursive: true });
  appendFileSync(real, data, mode === undefined ? undefined : { mode });
}

export interface WalkedFile {
  /** The path as found (through the link, if any): what is shown and what decides the environment. */
  path: string;
  /** Where it really is. */
  real: string;
}

export interface Walk {
  files: WalkedFile[];
  /** Links leading out of the repository: reported, not followed. */
  escapes: LinkEscape[];
}

/**
 * The files under `dir` (recursively, or only its direct children), in name order. Links inside the repository are
 * followed; a directory reached a second time (a `loop -> .` link, two links to one place) is not entered again.
 * `skip` sees the path as found.
 */
export function walkInside(
  b: Boundary,
  dir: string,
  opts: { recursive: boolean; skip?: (path: string) => boolean },
): Walk {
  const out: Walk = { files: [], escapes: [] };
  const seen = new Set<string>();
  const visit = (path: string, depth: number): void => {
    const lst = lstatOrUndefined(path);
    if (!lst) {
      out.files.push({ path, real: path }); // the reader reports it as unreadable
      return;
    }
    let real = path;
    if (lst.isSymbolicLink()) {
      real = safeRealOf(path);
      if (!isInside(b.real, real)) {
        out.escapes.push({ link: path, target: readlinkSync(path) });
        return;
      }
    } else {
      real = safeRealOf(path);
    }
    const st = statOrUndefined(real);
    if (st?.isDirectory()) {
      if (depth > 0 && !opts.recursive) return;
      if (seen.has(real)) return;
      seen.add(real);
      for (const name of readdirSync(real).sort()) {
        const child = join(path, name);
        if (opts.skip?.(child)) continue;
        visit(child, depth + 1);
      }
      return;
    }
    out.files.push({ path, real });
  };
  visit(dir, 0);
  return out;
}

export function escapeMessage(b: Boundary, e: LinkEscape): string {
  return `${relative(b.root, e.link) || e.link} is a symbolic link to ${e.target}, outside the repository ${b.root}: kcops does not follow links out of the repository`;
}

const ESCAPE_HINT =
  'Replace the link with the file itself, or point it at a file inside the repository (links inside it are followed).';

function outsideError(b: Boundary, abs: string, real: string): UserError {
  const link = firstLinkOutside(b, abs) ?? { link: abs, target: real };
  return new UserError('PATH_OUTSIDE_REPO', escapeMessage(b, link) + '.', { hint: ESCAPE_HINT });
}

export const PATH_OUTSIDE_HINT = ESCAPE_HINT;

/** The first component of `abs` below the root that is a link leading out of the repository. */
function firstLinkOutside(b: Boundary, abs: string): LinkEscape | undefined {
  const base = isInside(b.root, abs) ? b.root : b.real;
  let cur = base;
  for (const part of relative(base, abs).split(sep)) {
    cur = join(cur, part);
    const st = lstatOrUndefined(cur);
    if (!st) return undefined;
    if (st.isSymbolicLink() && !isInside(b.real, safeRealOf(cur))) return { link: cur, target: readlinkSync(cur) };
  }
  return undefined;
}

function linkLoop(abs: string): UserError {
  return new UserError('PATH_LINK_LOOP', `${abs} is a symbolic link that leads back to itself (a link cycle).`, {
    hint: 'Point the link at a real file, or replace it with the file.',
  });
}

function safeRealOf(path: string): string {
  try {
    return realOf(path);
  } catch {
    return path; // a cycle: treated as unreadable where it is read
  }
}

function lstatOrUndefined(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}

function statOrUndefined(p: string) {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}
