import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { boundaryOf, readInside, writeInside } from '../fs/boundary.js';
import { UserError, usageError } from '../../errors.js';
import { requireEnvironment } from '../project/environments.js';
import { loadConnectorFile } from '../project/connector-file.js';
import type { Project } from '../project/schema.js';
import { convertConfig, type ConvertTarget, type ConvertWarning } from './convert.js';

/**
 * `kcops promote <name> --from dev --to prod`: copies a connector file from one environment's directory to another's,
 * converting it when the two run on different cluster types (self-managed ⇄ Confluent Cloud). Writes a file for review
 * in Git; it never touches a cluster.
 */
export interface PromoteResult {
  from: string;
  to: string;
  source: string;
  target: string;
  converted: { from: string; to: string } | null;
  warnings: ConvertWarning[];
  document: { name: string; config: Record<string, string>; state?: string };
}

export function promoteConnector(
  root: string,
  project: Project,
  name: string,
  from: string,
  to: string,
  force = false,
): PromoteResult {
  for (const e of [from, to]) requireEnvironment(project, e, 'kcops.yaml');
  if (from === to) throw usageError('USAGE', '--from and --to name the same environment.');
  const source = `connectors/${from}/${name}.json`;
  const target = `connectors/${to}/${name}.json`;
  if (!existsSync(join(root, source))) {
    throw usageError(
      'CONNECTOR_FILE_MISSING',
      `There is no ${source}.`,
      `List the connectors of ${from} with \`ls connectors/${from}\`.`,
    );
  }
  if (existsSync(join(root, target)) && !force) {
    throw usageError(
      'PROMOTE_EXISTS',
      `${target} exists already.`,
      'Review the difference, then run again with --force to overwrite it.',
    );
  }
  const boundary = boundaryOf(root);
  const f = loadConnectorFile(source, readInside(boundary, join(root, source)));
  if (f.problems.length > 0 || f.shape !== 'rest') {
    throw new UserError('CONNECTOR_FILES_INVALID', `${source} is not a connector REST body {"name","config"}.`, {
      hint: `Check it with \`kcops validate ${source} --offline\`.`,
      exitCode: 2,
    });
  }
  const config = Object.create(null) as Record<string, string>; // user-chosen keys: no prototype
  for (const [k, e] of f.config) if (e.value !== undefined) config[k] = e.value;
  const typeOf = (e: string) => requireEnvironment(project, e, 'kcops.yaml').cluster.type;
  let converted: PromoteResult['converted'] = null;
  let warnings: ConvertWarning[] = [];
  let body = config;
  if (typeOf(from) !== typeOf(to)) {
    const side: ConvertTarget = typeOf(to) === 'confluent-cloud' ? 'managed' : 'self-managed';
    const r = convertConfig({ ...config, name }, side);
    const { name: _n, ...rest } = r.config;
    body = rest;
    converted = { from: r.from, to: r.to };
    warnings = r.warnings;
  }
  const document: PromoteResult['document'] = { name, config: body };
  if (f.state?.value) document.state = f.state.value;
  writeInside(boundary, join(root, target), JSON.stringify(document, null, 2) + '\n');
  return { from, to, source, target, converted, warnings, document };
}
