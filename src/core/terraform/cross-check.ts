import { existsSync, readdirSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { LoadedProject } from '../project/load-project.js';
import type { Finding, Position } from '../validate/finding.js';
import type { ConnectorContext } from '../validate/rule.js';
import { TF_RULES, type TfRuleId } from './check.js';
import { argAt, parseModule, type TfBlock, type TfBody, type TfModule } from './parse.js';

/**
 * Cross-checks between kcops.yaml + connectors/<env>/ and terraform/environments/<env>/ (issue #12 §2): the two
 * worlds describe the same managed environment and must not drift apart.
 *
 * - terraform/connector-not-deployed: the environment's Terraform root deploys managed connectors from files
 *   (a `fileset(var.dir, "pattern")` in the module it calls, or in itself), but a connector file of the environment
 *   is not among them: wrong folder, or a name the pattern does not match.
 * - terraform/environment-mismatch: kcops.yaml's environmentId / kafkaClusterId differ from the literal ids the
 *   Terraform root gives its modules (through terraform.tfvars, a variable default or a literal).
 * - terraform/unknown-service-account: a connector runs as (`kafka.service.account.id`) an account that the
 *   Terraform of its environment does not create. Offline, an account is known by its display name (Confluent gives
 *   the sa-... id at apply), so this is a warning: an id of an account created elsewhere is reported too.
 *
 * Nothing is evaluated beyond literals, variables (tfvars, defaults) and data-source ids: a value built by any other
 * expression is unknown, and an unknown value is never reported.
 */
export interface CrossCheckInput {
  root: string;
  tfDir: string;
  project: LoadedProject;
  connectors: ConnectorContext[];
  display: (abs: string) => string;
}

type Located = { value: string; file: string; at: Position };

export async function crossCheck(input: CrossCheckInput): Promise<Finding[]> {
  const { project, connectors, display } = input;
  const envs = project.project?.environments ?? {};
  const out: Finding[] = [];
  const emit = (rule: TfRuleId, file: string, at: Position, message: string, hint: string): void => {
    const [category, severity] = TF_RULES[rule];
    out.push({ rule, severity, category, message, file, line: at.line, column: at.column, hint });
  };
  const cache = new Map<string, Promise<TfModule>>();
  const load = (dir: string): Promise<TfModule> => {
    let m = cache.get(dir);
    if (!m) cache.set(dir, (m = parseModule(dir, display)));
    return m;
  };
  for (const [envName, env] of Object.entries(envs)) {
    const dir = join(input.tfDir, 'environments', envName);
    if (!existsSync(dir) || !readdirSync(dir).some((n) => n.endsWith('.tf'))) continue;
    const root = await load(dir);
    const callees = new Map<string, TfModule>();
    for (const b of root.blocks)
      if (b.kind === 'module' && typeof b.body.source === 'string' && /^\.\.?\//.test(b.body.source))
        callees.set(b.name, await load(resolve(dir, b.body.source)));
    const values = new Values(root);
    const mine = connectors.filter((c) => c.env?.name === envName && c.file.shape === 'rest');

    if (env.cluster.type !== 'confluent-cloud') {
      // ---- a self-managed environment: kcops applies its files to its Connect cluster, so Terraform must not also
      // create them as managed connectors (two owners of one name, billed twice, each undoing the other's changes).
      for (const r of fileReaders(root, callees, dir, values)) {
        const read = mine.filter((c) => r.reads(resolve(input.root, c.relPath)));
        if (read.length === 0) continue;
        emit(
          'terraform/deployment-mismatch',
          r.where.file,
          r.where.at,
          `kcops.yaml says ${envName} is ${env.cluster.type} (kcops applies connectors/${envName}/ to its Connect workers), but its Terraform root also creates ${read.length === 1 ? 'that file' : `those ${read.length} files`} as managed Confluent Cloud connectors: ${r.describe(input.root)}`,
          `Deploy each environment one way: remove the connectors module call from ${display(dir)}, or make ${envName} a confluent-cloud environment in kcops.yaml (${display(project.file)}).`,
        );
      }
      continue;
    }

    // ---- every connector file is picked up by the connectors module
    const readers = fileReaders(root, callees, dir, values);
    if (readers.length > 0)
      for (const c of mine) {
        const abs = resolve(input.root, c.relPath);
        if (readers.some((r) => r.reads(abs))) continue;
        const what = readers.map((r) => r.describe(input.root)).join('; ');
        emit(
          'terraform/connector-not-deployed',
          c.file.path,
          c.file.name?.at ?? { line: 1, column: 1 },
          `${c.relPath} is a connector of the managed environment ${envName}, but its Terraform root (${display(dir)}) does not deploy it: ${what}`,
          `Point connectors_dir of the connectors module at connectors/${envName} (and name the file <name>.json), so that Terraform and kcops read the same files.`,
        );
      }

    // ---- the environment ids agree
    const wanted: [string, string][] = [
      ['environment_id', env.cluster.environmentId],
      ['kafka_cluster_id', env.cluster.kafkaClusterId],
    ];
    const reported = new Set<string>();
    for (const b of root.blocks.filter((x) => x.kind === 'module'))
      for (const [arg, expected] of wanted) {
        if (!(arg in b.body)) continue;
        const got = values.resolve(b.body[arg], { block: b, arg });
        if (!got || got.value === expected || got.value === '') continue;
        const key = `${got.file}:${got.at.line}:${got.at.column}`;
        if (reported.has(key)) continue;
        reported.add(key);
        const yamlKey = arg === 'environment_id' ? 'environmentId' : 'kafkaClusterId';
        emit(
          'terraform/environment-mismatch',
          got.file,
          got.at,
          `Terraform gives module "${b.name}" ${arg} = "${got.value}", but kcops.yaml says ${envName}.cluster.${yamlKey} is "${expected}"`,
          `Use the same ${arg === 'environment_id' ? 'environment' : 'Kafka cluster'} on both sides: fix terraform.tfvars or kcops.yaml (${display(project.file)}).`,
        );
      }

    // ---- the service account a connector runs as is one Terraform creates
    const accounts = serviceAccounts(root, callees, values);
    if (accounts && accounts.size > 0)
      for (const c of mine) {
        const sa = c.get('kafka.service.account.id');
        if (!sa || sa.kind !== 'string' || sa.value === undefined || accounts.has(sa.value)) continue;
        // `kcops new` writes sa-CHANGE-ME for the user to fill in: a placeholder, not a claim about Terraform.
        if (PLACEHOLDER.test(sa.value)) continue;
        emit(
          'terraform/unknown-service-account',
          c.file.path,
          sa.valueAt,
          `${c.file.name?.value ?? c.relPath} runs as service account "${sa.value}", which the Terraform of ${envName} does not create (it creates ${[...accounts].map((a) => `"${a}"`).join(', ')})`,
          'Onboard the team with a call of the service-accounts module, or run the connector as the account of its team.',
        );
      }
  }
  return out;
}

const PLACEHOLDER = /change[-_]?me/i;

// ---------------------------------------------------------------- values

const VAR = /^\$\{var\.([A-Za-z_][\w-]*)\}$/;
const DATA_ID = /^\$\{data\.([\w-]+)\.([\w-]+)\.id\}$/;

/** Literal values of a root module: tfvars first (as Terraform reads them), then variable defaults. */
class Values {
  private readonly tfvars = new Map<string, Located>();
  constructor(private readonly mod: TfModule) {
    // terraform.tfvars, then *.auto.tfvars in name order: later files win, as in Terraform.
    const files = mod.files
      .filter((f) => f.kind === 'tfvars' && /(^|\/)(terraform\.tfvars|[^/]*\.auto\.tfvars)$/.test(f.path))
      .sort((a, b) =>
        basename(a.path) === 'terraform.tfvars'
          ? -1
          : basename(b.path) === 'terraform.tfvars'
            ? 1
            : a.path.localeCompare(b.path),
      );
    for (const f of files)
      for (const [k, v] of Object.entries(f.json))
        if (typeof v === 'string') {
          const m = new RegExp(`^[ \\t]*${k}[ \\t]*=[ \\t]*`, 'm').exec(f.text);
          const at = m ? position(f.text, m.index + m[0].length) : { line: 1, column: 1 };
          this.tfvars.set(k, { value: v, file: f.path, at });
        }
  }

  /** The literal a value stands for, with where that literal is written; undefined when it is not known. */
  resolve(v: unknown, where: { block: TfBlock; arg: string }, depth = 0): Located | undefined {
    if (typeof v !== 'string' || depth > 4) return undefined;
    if (!v.includes('${')) return { value: v, file: where.block.file, at: argAt(where.block, where.arg) };
    const m = VAR.exec(v);
    if (m) {
      const tv = this.tfvars.get(m[1]!);
      if (tv) return tv;
      const decl = this.mod.blocks.find((b) => b.kind === 'variable' && b.name === m[1]);
      return decl && 'default' in decl.body
        ? this.resolve(decl.body.default, { block: decl, arg: 'default' }, depth + 1)
        : undefined;
    }
    const d = DATA_ID.exec(v);
    if (d) {
      const data = this.mod.blocks.find((b) => b.kind === 'data' && b.type === d[1] && b.name === d[2]);
      return data ? this.resolve(data.body.id, { block: data, arg: 'id' }, depth + 1) : undefined;
    }
    return undefined;
  }

  /** A `${var.x}`-only template with every variable known, filled in; else undefined. */
  fill(template: unknown, inputs: (name: string) => string | undefined): string | undefined {
    if (typeof template !== 'string') return undefined;
    let unknown = false;
    const filled = template.replace(/\$\{([^}]*)\}/g, (_, expr: string) => {
      const m = /^\s*var\.([A-Za-z_][\w-]*)\s*$/.exec(expr);
      const v = m ? inputs(m[1]!) : undefined;
      if (v === undefined) unknown = true;
      return v ?? '';
    });
    return unknown ? undefined : filled;
  }
}

function position(text: string, offset: number): Position {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

// ---------------------------------------------------------------- connector files Terraform reads

interface Reader {
  reads(abs: string): boolean;
  describe(root: string): string;
  /** Where the reading is declared: the module call (or the root's own block) that holds the fileset. */
  where: { file: string; at: Position };
}

const FILESET = /fileset\(\s*(?:var\.([A-Za-z_][\w-]*)|"([^"]*)")\s*,\s*"([^"]*)"\s*\)/g;

/** Every string in a body (hcl2json gives expressions as "${...}" strings). */
function* strings(v: unknown): Generator<string> {
  if (typeof v === 'string') yield v;
  else if (Array.isArray(v)) for (const x of v) yield* strings(x);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v as TfBody)) yield* strings(x);
}

type Fileset = { variable?: string; dir?: string; pattern: string; where: { file: string; at: Position } };

function filesetsOf(mod: TfModule): Fileset[] {
  if (!mod.blocks.some((b) => b.kind === 'resource' && b.type === 'confluent_connector')) return [];
  const out: Fileset[] = [];
  for (const b of mod.blocks)
    for (const s of strings(b.body))
      for (const m of s.matchAll(FILESET))
        out.push({
          ...(m[1] ? { variable: m[1] } : { dir: m[2]! }),
          pattern: m[3]!,
          where: { file: b.file, at: b.at },
        });
  return out;
}

function fileReaders(root: TfModule, callees: Map<string, TfModule>, dir: string, values: Values): Reader[] {
  const readers: Reader[] = [];
  const add = (
    where: string,
    path: string | undefined,
    moduleDir: string,
    pattern: string,
    loc: { file: string; at: Position },
  ): void => {
    if (path === undefined) return;
    const abs = resolve(
      moduleDir,
      path.replace(/\$\{path\.(root|cwd)\}/g, dir).replace(/\$\{path\.module\}/g, moduleDir),
    );
    if (abs.includes('${')) return; // built by an expression kcops does not evaluate
    const re = globToRegExp(pattern);
    readers.push({
      reads: (file) => {
        const rel = relative(abs, file).split(sep).join('/');
        return !rel.startsWith('..') && re.test(rel);
      },
      describe: (repoRoot) => `${where} reads ${relative(repoRoot, abs).split(sep).join('/') || '.'}/${pattern}`,
      where: loc,
    });
  };
  for (const f of filesetsOf(root)) add('this root module', f.dir, dir, f.pattern, f.where);
  for (const b of root.blocks) {
    if (b.kind !== 'module') continue;
    const callee = callees.get(b.name);
    if (!callee) continue;
    for (const f of filesetsOf(callee)) {
      const loc = { file: b.file, at: b.at };
      if (f.dir !== undefined) add(`module "${b.name}"`, f.dir, callee.dir, f.pattern, loc);
      else {
        const v = b.body[f.variable!];
        const got =
          typeof v === 'string' && /^[^$]*(\$\{path\.(root|module|cwd)\}[^$]*)*$/.test(v)
            ? v
            : values.resolve(v, { block: b, arg: f.variable! })?.value;
        add(
          `module "${b.name}"`,
          got,
          dir,
          f.pattern,
          f.variable! in b.body ? { file: b.file, at: argAt(b, f.variable!) } : loc,
        );
      }
    }
  }
  return readers;
}

/** Terraform's fileset patterns: `*` and `?` within a name, `**` across folders, `{a,b}`, `[...]`. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end < 0) re += '\\{';
      else {
        re += `(?:${glob
          .slice(i + 1, end)
          .split(',')
          .map((x) => x.replace(/[.+^$()|\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
          .join('|')})`;
        i = end;
      }
    } else if (c === '[') {
      const end = glob.indexOf(']', i);
      if (end < 0) re += '\\[';
      else {
        re += glob.slice(i, end + 1).replace(/^\[!/, '[^');
        i = end;
      }
    } else re += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

// ---------------------------------------------------------------- service accounts Terraform creates

/** Display names of the service accounts the root creates (itself or through modules); undefined when one is unknown. */
function serviceAccounts(root: TfModule, callees: Map<string, TfModule>, values: Values): Set<string> | undefined {
  const names = new Set<string>();
  for (const b of root.blocks.filter((x) => x.kind === 'resource' && x.type === 'confluent_service_account')) {
    const v = values.fill(
      b.body.display_name,
      (n) => values.resolve(`\${var.${n}}`, { block: b, arg: 'display_name' })?.value,
    );
    if (v === undefined) return undefined;
    names.add(v);
  }
  for (const call of root.blocks.filter((x) => x.kind === 'module')) {
    const callee = callees.get(call.name);
    if (!callee) continue;
    for (const sa of callee.blocks.filter((x) => x.kind === 'resource' && x.type === 'confluent_service_account')) {
      const input = (n: string): string | undefined => {
        if (n in call.body) return values.resolve(call.body[n], { block: call, arg: n })?.value;
        const d = callee.blocks.find((x) => x.kind === 'variable' && x.name === n)?.body.default;
        return typeof d === 'string' && !d.includes('${') ? d : undefined;
      };
      const v = values.fill(sa.body.display_name, input);
      if (v === undefined) return undefined;
      names.add(v);
    }
  }
  return names;
}
