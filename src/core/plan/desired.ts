import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { boundaryOf, escapeMessage, PATH_OUTSIDE_HINT, resolveInside, walkInside } from '../fs/boundary.js';
import { UserError } from '../../errors.js';
import { isTargetState, type TargetState } from '../../connect/cluster.js';
import { fileStem, loadConnectorFile } from '../project/connector-file.js';
import { syntaxErrors } from '../validate/syntax-errors.js';
import type { DesiredConnector } from './types.js';

/**
 * The desired connectors of an environment: `connectors/<env>/*.json` REST bodies `{name, config, state?}`, read from
 * the working tree or from a Git revision (for `rollback --to`). Files that are not REST bodies are refused here;
 * `kcops validate` explains them in detail.
 */
export interface FileSource {
  /** Files (not directories) directly in `dir`, repository-relative; empty when it does not exist. */
  list(dir: string): string[];
  read(path: string): Uint8Array;
  describe(): string;
}

/**
 * The files on disk. Links are followed as `kcops validate` follows them (src/core/fs/boundary.ts): inside the
 * repository once, never out of it; a connector file that is a link out of the repository is refused, naming it.
 */
export function workingTree(root: string): FileSource {
  const boundary = boundaryOf(root);
  const real = new Map<string, string>();
  return {
    list: (dir) => {
      if (!existsSync(join(root, dir))) return [];
      const walk = walkInside(boundary, join(root, dir), { recursive: false });
      const escape = walk.escapes.find((e) => e.link === join(root, dir) || /\.json$/i.test(e.link));
      if (escape)
        throw new UserError('PATH_OUTSIDE_REPO', `${escapeMessage(boundary, escape)}.`, {
          hint: PATH_OUTSIDE_HINT,
          exitCode: 2,
        });
      return walk.files
        .filter((f) => f.path !== join(root, dir))
        .map((f) => {
          const rel = `${dir}/${basename(f.path)}`;
          real.set(rel, f.real);
          return rel;
        });
    },
    read: (path) => readFileSync(real.get(path) ?? resolveInside(boundary, join(root, path))),
    describe: () => 'the working tree',
  };
}

export function gitRevision(root: string, ref: string): FileSource {
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  let commit: string;
  try {
    commit = git(['rev-parse', '--verify', `${ref}^{commit}`])
      .toString()
      .trim();
  } catch {
    throw new UserError('GIT_REF_UNKNOWN', `'${ref}' is not a commit of the repository at ${root}.`, {
      hint: 'Use a commit, tag or branch (`kcops history` lists the commits of past deployments).',
      exitCode: 2,
    });
  }
  // The repository root may be a subdirectory of the Git work tree (e.g. examples/kafka-connect-configs).
  const prefix = git(['rev-parse', '--show-prefix']).toString().trim();
  return {
    list: (dir) =>
      git(['ls-tree', '--name-only', commit, `${prefix}${dir}/`])
        .toString()
        .split('\n')
        .filter(Boolean)
        .map((p) => p.slice(prefix.length)),
    read: (path) => git(['show', `${commit}:${prefix}${path}`]),
    describe: () => `commit ${commit.slice(0, 12)}`,
  };
}

export function loadDesired(source: FileSource, env: string): DesiredConnector[] {
  const dir = `connectors/${env}`;
  const out: DesiredConnector[] = [];
  const problems: string[] = [];
  for (const path of source
    .list(dir)
    .filter((p) => /\.json$/i.test(p))
    .sort()) {
    const f = loadConnectorFile(path, source.read(path));
    const broken = syntaxErrors(f);
    if (broken.length > 0) {
      problems.push(...broken.map((e) => `${path}:${e.at.line}:${e.at.column}: ${e.message} (${e.rule})`));
      continue;
    }
    if (f.shape !== 'rest' || !f.name?.value) {
      problems.push(`${path}: not a connector REST body {"name","config"} (${f.shape})`);
      continue;
    }
    // No prototype: a key named __proto__ (or constructor) is an ordinary config key, kept and sent like any other.
    const config = Object.create(null) as Record<string, string>;
    for (const [k, e] of f.config) {
      if (e.value === undefined) problems.push(`${path}: ${k} is not a string, number or boolean`);
      else config[k] = e.value;
    }
    const state = f.state?.value ?? 'RUNNING';
    if (!isTargetState(state)) {
      problems.push(`${path}: state '${state}' is not RUNNING, PAUSED or STOPPED`);
      continue;
    }
    if (fileStem(path) !== f.name.value)
      problems.push(`${path}: the file is named for '${fileStem(path)}' but declares '${f.name.value}'`);
    out.push({ name: f.name.value, config, state: state as TargetState, file: path });
  }
  const dup = out.map((d) => d.name).filter((n, i, all) => all.indexOf(n) !== i);
  if (dup.length) problems.push(`declared more than once: ${[...new Set(dup)].join(', ')}`);
  if (problems.length > 0) {
    throw new UserError('CONNECTOR_FILES_INVALID', `${problems.length} problem(s) in ${dir} of ${source.describe()}.`, {
      details: problems.slice(0, 20),
      hint: `Run \`kcops validate connectors/${env}\` for details.`,
      exitCode: 2,
    });
  }
  return out;
}
