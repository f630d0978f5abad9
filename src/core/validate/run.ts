import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { loadConnectorFile, type ConnectorFile } from '../project/connector-file.js';
import { findProjectFile, loadProject, PROJECT_FILE, type LoadedProject } from '../project/load-project.js';
import { UserError } from '../../errors.js';
import { DEFAULT_POLICY, type Policy } from '../project/schema.js';
import { connectorKind, findPlugin, isManagedClassName } from './catalog/index.js';
import { compareFindings, type Draft, type Finding } from './finding.js';
import type { ConnectorContext, RepoContext, Rule } from './rule.js';
import { connectorRules, repoRules } from './rules/index.js';

export interface ValidateOptions {
  /** Files or directories; empty = the whole repository (connectors/ and schemas/avro/). */
  paths: string[];
  cwd: string;
  /** Explicit kcops.yaml; otherwise searched upwards from cwd. */
  config?: string;
  env?: string;
  /** Online checks, run per environment after the offline rules (see online.ts). */
  online?: OnlineChecker;
  /**
   * Check the Terraform modules under this directory (`validate --terraform [dir]`): only Terraform is checked.
   * Without it, a whole-repository validation also checks the repository's terraform/ when there is one.
   */
  terraform?: { dir?: string; schemaFiles?: string[] };
}

/** Cluster-side checks for one environment; given the offline contexts, returns findings. */
export type OnlineChecker = (
  envName: string,
  connectors: ConnectorContext[],
  project: LoadedProject,
) => Promise<Finding[]>;

export interface ValidateResult {
  files: string[];
  findings: Finding[];
  summary: { files: number; errors: number; warnings: number; infos: number };
  project?: string;
}

const SKIP_IN_DIRS = /(^|\/)(\.[^/]+|node_modules|README[^/]*|[^/]*\.md|SOURCES[^/]*|LICENSE[^/]*)$/i;

export async function validate(opts: ValidateOptions): Promise<ValidateResult> {
  const projectFile = opts.config
    ? resolve(opts.cwd, opts.config)
    : findProjectFile(opts.paths[0] ? resolve(opts.cwd, opts.paths[0]) : opts.cwd);
  const project = projectFile && existsSync(projectFile) ? loadProject(projectFile) : undefined;
  const root = project?.root ?? opts.cwd;
  const display = (abs: string): string => {
    const rel = relative(opts.cwd, abs);
    return (rel.startsWith('..') ? abs : rel || abs).split(sep).join('/');
  };
  const findings: Finding[] = [];

  if (opts.terraform) return validateTerraformOnly(opts, opts.terraform, root, project, display);

  const inputs =
    opts.paths.length > 0
      ? opts.paths.map((p) => resolve(opts.cwd, p))
      : project
        ? [join(root, 'connectors'), join(root, 'schemas', 'avro')].filter((d) => existsSync(d))
        : [opts.cwd];
  const files = [...new Set(inputs.flatMap((p) => expand(p)))].sort();
  const connectorFiles = files.filter((f) => !isAvro(f, root, project) && !f.endsWith(PROJECT_FILE));
  const avroFiles = files.filter((f) => isAvro(f, root, project));

  const contexts: ConnectorContext[] = [];
  for (const abs of connectorFiles) {
    const relToRoot = relative(root, abs).split(sep).join('/');
    const envName = project ? /^connectors\/([^/]+)\/[^/]+$/.exec(relToRoot)?.[1] : undefined;
    if (opts.env && project && envName !== opts.env) continue;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(abs);
    } catch (e) {
      findings.push({
        rule: 'syntax/unreadable',
        severity: 'error',
        category: 'syntax',
        message: `Cannot read the file: ${(e as Error).message}`,
        file: display(abs),
        line: 1,
        column: 1,
      });
      continue;
    }
    const ctx = connectorContext(
      loadConnectorFile(display(abs), bytes),
      project,
      project ? relToRoot : display(abs),
      envName,
    );
    contexts.push(ctx);
    for (const rule of connectorRules)
      findings.push(...runRule(rule, () => rule.check(ctx), ctx.file.path, ctx.file.path));
  }

  if (project) {
    const repo: RepoContext = {
      project,
      connectors: contexts,
      avroFiles: avroFiles.map((abs) => ({ path: display(abs), relPath: display(abs), text: readText(abs) })),
    };
    const tfDir = join(root, 'terraform');
    if (opts.paths.length === 0 && existsSync(tfDir)) {
      // The HCL parser (WASM) is imported only here, so commands that never see Terraform never load it.
      const { checkTerraform } = await import('../terraform/check.js');
      repo.terraform = await checkTerraform(tfDir, { display });
    }
    for (const rule of repoRules)
      findings.push(...runRule(rule, () => rule.check(repo), display(project.file), display(project.file)));
  }

  if (opts.online && project?.project) {
    const envs = opts.env ? [opts.env] : Object.keys(project.project.environments);
    for (const env of envs) {
      const mine = contexts.filter((c) => c.env?.name === env);
      if (mine.length > 0) findings.push(...(await opts.online(env, mine, project)));
    }
  }

  findings.sort(compareFindings);
  const shown = [
    ...connectorFiles.map(display),
    ...avroFiles.map(display),
    ...(project ? [display(project.file)] : []),
  ];
  return {
    files: [...new Set(shown)],
    findings,
    summary: {
      files: new Set(shown).size,
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      infos: findings.filter((f) => f.severity === 'info').length,
    },
    ...(project ? { project: display(project.file) } : {}),
  };
}

/** `validate --terraform [dir]`: the Terraform rules only, run the same way as inside a repository. */
async function validateTerraformOnly(
  opts: ValidateOptions,
  tf: NonNullable<ValidateOptions['terraform']>,
  root: string,
  project: LoadedProject | undefined,
  display: (abs: string) => string,
): Promise<ValidateResult> {
  const dir = tf.dir ? resolve(opts.cwd, tf.dir) : join(root, 'terraform');
  if (!existsSync(dir))
    throw new UserError('TERRAFORM_NOT_FOUND', `No Terraform folder at ${display(dir)}`, {
      hint: 'Pass the folder of your .tf files (kcops validate --terraform <dir>), or run `kcops init` to write terraform/.',
    });
  const schemaFiles = tf.schemaFiles?.map((f) => resolve(opts.cwd, f));
  for (const f of schemaFiles ?? [])
    if (!existsSync(f))
      throw new UserError('TERRAFORM_SCHEMA_NOT_FOUND', `No provider schema file at ${display(f)}`, {
        hint: 'Write one with `terraform providers schema -json > schema.json` in an initialised root module.',
      });
  const { checkTerraform } = await import('../terraform/check.js');
  const { moduleDirs } = await import('../terraform/parse.js');
  const all = await checkTerraform(dir, { display, ...(schemaFiles ? { schemaFiles } : {}) });
  const findings = [...all].sort(compareFindings);
  const files = moduleDirs(dir).map(display);
  return {
    files,
    findings,
    summary: {
      files: files.length,
      errors: findings.filter((f) => f.severity === 'error').length,
      warnings: findings.filter((f) => f.severity === 'warning').length,
      infos: findings.filter((f) => f.severity === 'info').length,
    },
    ...(project ? { project: display(project.file) } : {}),
  };
}

export function connectorContext(
  file: ConnectorFile,
  project: LoadedProject | undefined,
  relPath: string,
  envName: string | undefined,
): ConnectorContext {
  const cls = file.config.get('connector.class')?.value?.trim() || undefined;
  const envDef = envName ? project?.project?.environments[envName] : undefined;
  const managed = envDef ? envDef.cluster.type === 'confluent-cloud' : cls !== undefined && isManagedClassName(cls);
  const plugin = cls ? findPlugin(cls, managed) : undefined;
  const policy: Policy = envDef?.policies ?? DEFAULT_POLICY;
  return {
    file,
    cls,
    plugin,
    kind: connectorKind(cls, plugin, file.config.has('topics') || file.config.has('topics.regex')),
    managed,
    policy,
    ...(envName ? { env: { name: envName, def: envDef } } : {}),
    ...(project?.project ? { project: project.project, projectRoot: project.root } : {}),
    relPath,
    get: (k) => file.config.get(k),
    value: (k) => file.config.get(k)?.value,
  };
}

/** A rule that throws is a kcops bug; it becomes a finding instead of hiding every other finding. */
function runRule(
  rule: Rule,
  check: () => (Draft & { file?: string })[],
  defaultFile: string,
  fallbackFile: string,
): Finding[] {
  try {
    return check().map((d) => ({
      rule: rule.id,
      severity: d.severity ?? rule.severity,
      category: rule.category,
      message: d.message,
      file: d.file ?? defaultFile ?? fallbackFile,
      line: d.at?.line ?? 1,
      column: d.at?.column ?? 1,
      ...(d.hint ? { hint: d.hint } : {}),
    }));
  } catch (e) {
    return [
      {
        rule: 'kcops/rule-failed',
        severity: 'error',
        category: 'syntax',
        message: `Rule ${rule.id} failed (a kcops bug): ${(e as Error).message}`,
        file: fallbackFile,
        line: 1,
        column: 1,
      },
    ];
  }
}

function expand(p: string): string[] {
  let st;
  try {
    st = statSync(p);
  } catch {
    return [p]; // reported as unreadable
  }
  if (!st.isDirectory()) return [p];
  const out: string[] = [];
  for (const name of readdirSync(p).sort()) {
    const child = join(p, name);
    if (SKIP_IN_DIRS.test(child.split(sep).join('/'))) continue;
    out.push(...expand(child));
  }
  return out;
}

function isAvro(abs: string, root: string, project: LoadedProject | undefined): boolean {
  return (
    abs.endsWith('.avsc') ||
    (project !== undefined && relative(root, abs).split(sep).join('/').startsWith('schemas/avro/'))
  );
}

function readText(abs: string): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(abs));
  } catch {
    return undefined;
  }
}
