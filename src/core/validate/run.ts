import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, parse as parsePath, relative, resolve, sep } from 'node:path';
import { boundaryOf, escapeMessage, isInside, lexists, PATH_OUTSIDE_HINT, walkInside } from '../fs/boundary.js';
import { loadConnectorFile, type ConnectorFile } from '../project/connector-file.js';
import type { LoadedProject } from '../project/load-project.js';
import { environmentOf, unknownEnvironment } from '../project/environments.js';
import type { Policy } from '../project/schema.js';
import { DEFAULT_POLICY, policySeverity } from './policy.js';
import { UserError } from '../../errors.js';
import { connectorKind, findPlugin, isManagedClassName } from './catalog/index.js';
import { compareFindings, milder, type Draft, type Finding } from './finding.js';
import type { ConnectorContext, RepoContext, Rule } from './rule.js';
import { connectorRules, repoRules } from './rules/index.js';

export interface ValidateOptions {
  /** Files or directories; empty = the whole repository (connectors/ and schemas/avro/). */
  paths: string[];
  cwd: string;
  /** Explicit kcops.yaml; otherwise searched upwards from cwd. */
  config?: string;
  env?: string;
  /** Production severities for every file, whatever the environment's policy says (`validate --strict`). */
  strict?: boolean;
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

const PROJECT_FILE = 'kcops.yaml';

/**
 * True when a kcops.yaml may be in `start` or above. The project loader (with its schema library) is imported only
 * then, so that validating a loose file, as an editor or a pre-commit hook does on every save, stays fast.
 */
function mayHaveProject(start: string): boolean {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    // lexists: a kcops.yaml that is a broken or looping link is still a project, reported by the loader.
    if (lexists(join(dir, PROJECT_FILE))) return true;
    if (dir === parsePath(dir).root) return false;
  }
}

async function findAndLoadProject(opts: ValidateOptions): Promise<LoadedProject | undefined> {
  const start = opts.paths[0] ? resolve(opts.cwd, opts.paths[0]) : opts.cwd;
  if (!opts.config && !mayHaveProject(start)) return undefined;
  const { findProjectFile, loadProject, projectFileExists } = await import('../project/load-project.js');
  const projectFile = opts.config ? resolve(opts.cwd, opts.config) : findProjectFile(start);
  return projectFile && projectFileExists(projectFile) ? loadProject(projectFile) : undefined;
}

export async function validate(opts: ValidateOptions): Promise<ValidateResult> {
  const project = await findAndLoadProject(opts);
  const root = project?.root ?? opts.cwd;
  const display = (abs: string): string => {
    const rel = relative(opts.cwd, abs);
    return (rel.startsWith('..') ? abs : rel || abs).split(sep).join('/');
  };
  // An environment kcops.yaml does not declare would select no file at all and pass: refused instead.
  if (opts.env !== undefined && project?.project && !environmentOf(project.project, opts.env))
    throw unknownEnvironment(project.project, opts.env, display(project.file));
  const findings: Finding[] = [];

  if (opts.terraform) return validateTerraformOnly(opts, opts.terraform, root, project, display);

  const inputs =
    opts.paths.length > 0
      ? opts.paths.map((p) => resolve(opts.cwd, p))
      : project
        ? [join(root, 'connectors'), join(root, 'schemas', 'avro')].filter((d) => existsSync(d))
        : [opts.cwd];
  // Links are followed inside the repository (or inside the directory given, outside one), never out of it.
  const boundary = project ? boundaryOf(root) : undefined;
  const realOfFile = new Map<string, string>();
  for (const input of inputs) {
    const b = boundary && isInside(boundary.root, input) ? boundary : boundaryOf(inputBase(input));
    const walk = walkInside(b, input, { recursive: true, skip: (c) => SKIP_IN_DIRS.test(c.split(sep).join('/')) });
    for (const f of walk.files) realOfFile.set(f.path, f.real);
    for (const e of walk.escapes)
      findings.push({
        rule: 'syntax/link-outside-repository',
        severity: 'error',
        category: 'syntax',
        message: `${escapeMessage(b, e)}; the file was not read.`,
        file: display(e.link),
        line: 1,
        column: 1,
        hint: PATH_OUTSIDE_HINT,
      });
  }
  const files = [...realOfFile.keys()].sort();
  const connectorFiles = files.filter((f) => !isAvro(f, root, project) && !f.endsWith(PROJECT_FILE));
  const avroFiles = files.filter((f) => isAvro(f, root, project));

  const contexts: ConnectorContext[] = [];
  for (const abs of connectorFiles) {
    const relToRoot = relative(root, abs).split(sep).join('/');
    const envName = project ? /^connectors\/([^/]+)\/[^/]+$/.exec(relToRoot)?.[1] : undefined;
    if (opts.env && project && envName !== opts.env) continue;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(realOfFile.get(abs) ?? abs);
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
    const loaded = isTerraformFile(abs)
      ? await loadTerraformFile(display(abs), bytes)
      : [loadConnectorFile(display(abs), bytes)];
    for (const file of loaded) {
      const ctx = await connectorContext(file, project, project ? relToRoot : display(abs), envName, opts.strict);
      contexts.push(ctx);
      findings.push(...runConnectorRules(ctx));
    }
  }

  const tfShown: string[] = [];
  if (project) {
    const repo: RepoContext = {
      project,
      connectors: contexts,
      avroFiles: avroFiles.map((abs) => ({
        path: display(abs),
        relPath: display(abs),
        text: readText(realOfFile.get(abs) ?? abs),
      })),
    };
    const tfDir = join(root, 'terraform');
    if (opts.paths.length === 0 && existsSync(tfDir)) {
      const { moduleDirs } = await import('../terraform/parse.js');
      tfShown.push(...terraformFiles(moduleDirs(tfDir)));
      // The HCL parser (WASM) is imported only here, so commands that never see Terraform never load it.
      const { checkTerraform } = await import('../terraform/check.js');
      const { crossCheck } = await import('../terraform/cross-check.js');
      repo.terraform = [
        ...(await checkTerraform(tfDir, { display })),
        ...(await crossCheck({ root, tfDir, project, connectors: contexts, display })),
      ];
      findings.push(
        ...withoutRepeats(await terraformConnectorFindings(tfDir, root, project, display, opts.strict), repo.terraform),
      );
    }
    for (const rule of repoRules)
      findings.push(...runRule(rule, () => rule.check(repo), display(project.file), display(project.file), 'strict'));
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
    ...tfShown.map(display),
    // Every file a finding is about is a file checked (a JUnit test case of its own).
    ...findings.map((f) => f.file),
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
  // The repository's own terraform/: the cross-checks with kcops.yaml and connectors/ run here too, as in a whole
  // validate (a pipeline's terraform job runs only this and must catch a root that disagrees with kcops.yaml).
  if (project && resolve(dir) === join(root, 'terraform')) {
    const { crossCheck } = await import('../terraform/cross-check.js');
    const contexts = await projectConnectorContexts(project, root, display, opts.strict);
    all.push(...(await crossCheck({ root, tfDir: dir, project, connectors: contexts, display })));
  }
  const findings = [
    ...all,
    ...withoutRepeats(await terraformConnectorFindings(dir, root, project, display, opts.strict), all),
  ].sort(compareFindings);
  const files = terraformFiles(moduleDirs(dir)).map(display);
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

/**
 * The connector files of each declared environment (connectors/<env>/*), as contexts for the cross-checks; read inside
 * the repository boundary like a whole validate. Unreadable or unparsable files are left to a whole validate to report.
 */
async function projectConnectorContexts(
  project: LoadedProject,
  root: string,
  display: (abs: string) => string,
  strict: boolean | undefined,
): Promise<ConnectorContext[]> {
  const dir = join(root, 'connectors');
  if (!existsSync(dir)) return [];
  const boundary = boundaryOf(root);
  const out: ConnectorContext[] = [];
  const walk = walkInside(boundary, dir, { recursive: true, skip: (c) => SKIP_IN_DIRS.test(c.split(sep).join('/')) });
  for (const f of walk.files) {
    const relToRoot = relative(root, f.path).split(sep).join('/');
    const envName = /^connectors\/([^/]+)\/[^/]+$/.exec(relToRoot)?.[1];
    if (!envName || isTerraformFile(f.path)) continue;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(f.real);
    } catch {
      continue;
    }
    out.push(await connectorContext(loadConnectorFile(display(f.path), bytes), project, relToRoot, envName, strict));
  }
  return out;
}

function runConnectorRules(ctx: ConnectorContext): Finding[] {
  return connectorRules.flatMap((rule) =>
    runRule(rule, () => rule.check(ctx), ctx.file.path, ctx.file.path, ctx.severityMode),
  );
}

/** The .tf and .tfvars files of Terraform module folders. */
function terraformFiles(dirs: string[]): string[] {
  return dirs.flatMap((d) =>
    readdirSync(d)
      .filter((n) => n.endsWith('.tf') || n.endsWith('.tfvars'))
      .sort()
      .map((n) => join(d, n)),
  );
}

function isTerraformFile(abs: string): boolean {
  return /\.(tf|hcl)$/i.test(abs);
}

/**
 * A .tf file among the connector files: one connector per `confluent_connector` resource with literal config maps
 * (read with the HCL parser, located in the file: core/terraform/connector-resources.ts). None when its resources
 * take their config from expressions; the file as it is (so that it is reported) when it holds no such resource,
 * does not parse, or is not a readable text file.
 */
async function loadTerraformFile(path: string, bytes: Uint8Array): Promise<ConnectorFile[]> {
  const base = loadConnectorFile(path, bytes);
  if (base.problems.length > 0) return [base];
  const { loadTerraformConnectors } = await import('../terraform/connector-resources.js');
  const tf = await loadTerraformConnectors(path, base.text);
  if (tf.error)
    return [
      {
        ...base,
        shape: 'not-connector',
        entries: [],
        config: new Map(),
        problems: [{ kind: 'invalid-hcl', at: tf.error.at, detail: tf.error.message.replace(/\.$/, '') }],
      },
    ];
  if (tf.files.length > 0 || tf.resources > 0) return tf.files;
  return [{ ...base, shape: 'not-connector', entries: [], config: new Map(), name: undefined }];
}

/**
 * The confluent_connector resources of a Terraform tree, checked by the connector rules like connector files. A
 * resource under terraform/environments/<env>/ of a declared environment gets that environment's policy; elsewhere
 * (a module, an example) it is checked like a loose file. They are always managed connectors.
 */
async function terraformConnectorFindings(
  dir: string,
  root: string,
  project: LoadedProject | undefined,
  display: (abs: string) => string,
  strict: boolean | undefined,
): Promise<Finding[]> {
  const { moduleDirs } = await import('../terraform/parse.js');
  const { loadTerraformConnectors } = await import('../terraform/connector-resources.js');
  const out: Finding[] = [];
  for (const d of moduleDirs(dir))
    for (const n of readdirSync(d)
      .filter((x) => x.endsWith('.tf'))
      .sort()) {
      const abs = join(d, n);
      const text = readText(abs);
      // A file that does not parse is reported once, by terraform/syntax.
      if (text === undefined || !text.includes('confluent_connector')) continue;
      const relToRoot = relative(root, abs).split(sep).join('/');
      const env = /^terraform\/environments\/([^/]+)\//.exec(relToRoot)?.[1];
      const known = env !== undefined && project?.project && environmentOf(project.project, env) ? env : undefined;
      for (const file of (await loadTerraformConnectors(display(abs), text)).files) {
        const ctx = await connectorContext(
          file,
          known ? project : undefined,
          known ? relToRoot : display(abs),
          known,
          strict,
          true,
        );
        out.push(...runConnectorRules(ctx));
      }
    }
  return out;
}

/**
 * A literal secret in a confluent_connector's config_sensitive is found twice: by terraform/literal-secret and by
 * the connector rules' secret checks. The Terraform finding is kept (it also covers keys with no secret-like name).
 */
function withoutRepeats(connectorFindings: Finding[], terraform: Finding[]): Finding[] {
  const secrets = new Set(
    terraform.filter((f) => f.rule === 'terraform/literal-secret').map((f) => `${f.file}:${f.line}`),
  );
  return connectorFindings.filter((f) => !(f.category === 'secret' && secrets.has(`${f.file}:${f.line}`)));
}

export async function connectorContext(
  file: ConnectorFile,
  project: LoadedProject | undefined,
  relPath: string,
  envName: string | undefined,
  strict = false,
  /** True for a confluent_connector resource, which is a managed connector whatever its class says. */
  forceManaged = false,
): Promise<ConnectorContext> {
  const cls = file.config.get('connector.class')?.value?.trim() || undefined;
  const envDef = envName && project?.project ? environmentOf(project.project, envName) : undefined;
  const managed =
    forceManaged || (envDef ? envDef.cluster.type === 'confluent-cloud' : cls !== undefined && isManagedClassName(cls));
  const plugin = cls ? await findPlugin(cls, managed) : undefined;
  const policy: Policy = envDef?.policies ?? DEFAULT_POLICY;
  return {
    file,
    cls,
    plugin,
    kind: connectorKind(cls, plugin, file.config.has('topics') || file.config.has('topics.regex')),
    managed,
    policy,
    severityMode: strict ? 'strict' : policySeverity(envDef ? envName : undefined, policy),
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
  mode: 'strict' | 'advisory',
): Finding[] {
  try {
    return check().map((d) => ({
      rule: rule.id,
      // Advisory policies soften the rules that enforce a convention (rule.advisory); never the other way round.
      severity:
        mode === 'advisory' && rule.advisory
          ? milder(d.severity ?? rule.severity, rule.advisory)
          : (d.severity ?? rule.severity),
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

/** What a path given outside the repository may reach through links: the directory itself, or a file's directory. */
function inputBase(p: string): string {
  try {
    return statSync(p).isDirectory() ? p : dirname(p);
  } catch {
    return dirname(p);
  }
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
