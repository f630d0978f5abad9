import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { usageError, UserError } from '../../errors.js';
import { findProjectFile, loadProject } from './load-project.js';

/** templates/ ships with the package (package.json "files"). */
const TEMPLATES = new URL('../../../templates/', import.meta.url);
const tpl = (rel: string): string => new URL(rel, TEMPLATES).pathname;

/** `kcops init [dir]`: the REQ-OPS-001 layout, with what exists today. Never overwrites a file. */
export function initRepository(dir: string): { created: string[]; skipped: string[] } {
  const root = resolve(dir);
  const created: string[] = [];
  const skipped: string[] = [];
  const write = (rel: string, content: string, mode?: number): void => {
    const abs = join(root, rel);
    if (existsSync(abs)) {
      skipped.push(rel);
      return;
    }
    mkdirSync(join(abs, '..'), { recursive: true });
    writeFileSync(abs, content);
    if (mode) chmodSync(abs, mode);
    created.push(rel);
  };
  const read = (rel: string): string => readFileSync(tpl(rel), 'utf8');
  write('kcops.yaml', read('init/kcops.yaml').replaceAll('{{project}}', basename(root) || 'kafka-connect-configs'));
  for (const env of ['dev', 'staging', 'prod']) write(`connectors/${env}/.gitkeep`, '');
  write('schemas/avro/.gitkeep', '');
  write('schemas/kcops.schema.json', readFileSync(new URL('../../../schemas/kcops.schema.json', import.meta.url), 'utf8'));
  write('scripts/validate-connector.sh', read('init/validate-connector.sh'), 0o755);
  write('scripts/deploy-connector.sh', read('init/deploy-connector.sh'), 0o755);
  write('docs/README.md', '# Operations notes\n\nRunbooks and decisions for these connectors. Validate with `scripts/validate-connector.sh`.\n');
  write('.gitignore', read('init/gitignore'));
  return { created, skipped };
}

export const TEMPLATE_NAMES = ['postgres-cdc', 'jdbc-sink'] as const;

/** `kcops new <template> --env <env> --name <name>`: the flavour follows the environment's cluster type. */
export function newConnector(cwd: string, template: string, env: string, name: string, config?: string): { file: string; flavour: string } {
  const projectFile = config ? resolve(cwd, config) : findProjectFile(cwd);
  if (!projectFile) throw new UserError('NO_PROJECT', 'No kcops.yaml here or in a parent directory.', { hint: 'Run `kcops init` first.' });
  const loaded = loadProject(projectFile);
  if (!loaded.project) throw new UserError('INVALID_PROJECT', 'kcops.yaml is invalid.', { hint: 'Run `kcops validate` to see why.' });
  const def = loaded.project.environments[env];
  if (!def) throw usageError('USAGE', `Unknown environment '${env}'.`, `Declared: ${Object.keys(loaded.project.environments).join(', ')}.`);
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw usageError('USAGE', `'${name}' is not a valid connector name.`, 'Use lower-case letters, digits and -.');
  const flavour = def.cluster.type;
  const source = tpl(`connectors/${template}.${flavour}.json`);
  if (!existsSync(source)) {
    const available = [...new Set(readdirSync(tpl('connectors/')).map((f) => f.split('.')[0]))];
    throw usageError('USAGE', `No template '${template}' for ${flavour}.`, `Templates: ${available.join(', ')}.`);
  }
  const target = join(loaded.root, 'connectors', env, `${name}.json`);
  if (existsSync(target)) throw new UserError('EXISTS', `${relative(cwd, target)} already exists.`, { hint: 'Choose another --name or edit the file.' });
  mkdirSync(join(target, '..'), { recursive: true });
  const slot = name.replace(/[^a-z0-9]/g, '_');
  writeFileSync(target, readFileSync(source, 'utf8').replaceAll('{{name}}', name).replaceAll('{{env}}', env).replaceAll('{{slot}}', slot));
  return { file: relative(cwd, target) || target, flavour };
}

