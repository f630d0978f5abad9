import { resolve } from 'node:path';
import type { Category, Finding, Position, Severity } from '../validate/finding.js';
import { argAt, esc, locateIn, moduleDirs, parseModule, type TfBlock, type TfBody, type TfModule } from './parse.js';
import { bundledSchemaFiles, loadSchemas, type ProviderSchemas, type SchemaBlock } from './schema.js';

/** The Terraform rules: id, category, default severity (their docs and examples live in validate/rules/terraform.ts). */
export const TF_RULES = {
  'terraform/syntax': ['syntax', 'error'],
  'terraform/unknown-type': ['schema', 'error'],
  'terraform/unknown-argument': ['unknown-key', 'error'],
  'terraform/unknown-block': ['unknown-key', 'error'],
  'terraform/missing-argument': ['required', 'error'],
  'terraform/deprecated-argument': ['deprecated', 'warning'],
  'terraform/undeclared-variable': ['schema', 'error'],
  'terraform/unknown-module-input': ['schema', 'error'],
  'terraform/missing-module-input': ['required', 'error'],
  'terraform/dangling-reference': ['schema', 'error'],
  'terraform/literal-secret': ['secret', 'error'],
  'terraform/secret-not-sensitive': ['secret', 'error'],
  'terraform/public-rest-port': ['permission', 'error'],
  'terraform/too-few-azs': ['schema', 'error'],
  // Cross-checks with kcops.yaml and connectors/<env>/ (cross-check.ts).
  'terraform/connector-not-deployed': ['schema', 'error'],
  'terraform/environment-mismatch': ['schema', 'error'],
  'terraform/unknown-service-account': ['permission', 'warning'],
  'terraform/deployment-mismatch': ['schema', 'error'],
} as const satisfies Record<string, readonly [Category, Severity]>;
export type TfRuleId = keyof typeof TF_RULES;

export interface TerraformCheckOptions {
  /** Turns an absolute path into the path shown in findings. */
  display: (abs: string) => string;
  /** `terraform providers schema -json` outputs to use instead of the bundled ones. */
  schemaFiles?: string[];
}

/** Arguments every resource/data block may carry that no provider schema lists. */
const META = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection']);
const MODULE_META = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);
/** The Kafka Connect REST port (rest.port default). */
export const CONNECT_REST_PORT = 8083;
const SECRET_NAME = /(password|passwd|secret|token|private_key|credential)/i;
const NOT_A_SECRET =
  /(_arns?|_ids?|_names?|_prefix|_paths?|_kms_key\w*|_versions?|_region|_rotation\w*|_recovery\w*)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_A_SECRET.test(name);
}

/** Checks every Terraform module (directory with .tf files) under `root`. */
export async function checkTerraform(root: string, opts: TerraformCheckOptions): Promise<Finding[]> {
  const schemas = loadSchemas(opts.schemaFiles ?? bundledSchemaFiles());
  const modules = new Map<string, Promise<TfModule>>();
  const load = (dir: string): Promise<TfModule> => {
    let m = modules.get(dir);
    if (!m) {
      m = parseModule(dir, opts.display);
      modules.set(dir, m);
    }
    return m;
  };
  const findings: Finding[] = [];
  for (const dir of moduleDirs(root)) {
    const mod = await load(dir);
    const callees = new Map<string, TfModule>();
    for (const b of mod.blocks) {
      const src = b.kind === 'module' ? b.body.source : undefined;
      if (typeof src === 'string' && /^\.\.?\//.test(src)) {
        try {
          callees.set(b.name, await load(resolve(dir, src)));
        } catch {
          /* a missing module folder is reported as a dangling reference below */
        }
      }
    }
    findings.push(...checkModule(mod, schemas, callees));
  }
  return findings;
}

type Emit = (rule: TfRuleId, file: string, at: Position, message: string, hint?: string) => void;

export function checkModule(mod: TfModule, schemas: ProviderSchemas, callees: Map<string, TfModule>): Finding[] {
  const out: Finding[] = [];
  const emit: Emit = (rule, file, at, message, hint) => {
    const [category, severity] = TF_RULES[rule];
    out.push({ rule, severity, category, message, file, line: at.line, column: at.column, ...(hint ? { hint } : {}) });
  };
  for (const e of mod.parseErrors) emit('terraform/syntax', e.file, e.at, `HCL syntax error: ${e.message}`);

  const vars = new Map(mod.blocks.filter((b) => b.kind === 'variable').map((b) => [b.name, b]));
  LOCALS.set(vars, new Map(mod.blocks.filter((b) => b.kind === 'locals').flatMap((b) => Object.entries(b.body))));
  for (const b of mod.blocks) {
    if (b.kind === 'resource' || b.kind === 'data') checkSchema(b, schemas, emit);
    if (b.kind === 'module') checkModuleCall(b, callees.get(b.name), emit);
  }
  checkReferences(mod, schemas, callees, emit);
  checkSecrets(mod, vars, schemas, emit);
  checkPublicRestPort(mod, vars, emit);
  checkAvailabilityZones(mod, vars, callees, emit);
  return out;
}

// ---------------------------------------------------------------- schema

function isBlockList(v: unknown): v is TfBody[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x));
}

function checkSchema(b: TfBlock, schemas: ProviderSchemas, emit: Emit): void {
  const what = b.kind === 'data' ? 'data source' : 'resource';
  const schema = b.kind === 'data' ? schemas.data(b.type!) : schemas.resource(b.type!);
  if (!schema) {
    if (schemas.knowsProviderOf(b.type!))
      emit(
        'terraform/unknown-type',
        b.file,
        b.at,
        `Unknown ${what} type "${b.type}": the provider schema has no such ${what}`,
        'Check the spelling against the provider documentation (or point kcops at your provider version with --schema).',
      );
    return;
  }
  checkBody(b, b.body, schema, `${b.type}.${b.name}`, true, emit);
}

function checkBody(b: TfBlock, body: TfBody, schema: SchemaBlock, path: string, top: boolean, emit: Emit): void {
  const attrs = schema.attributes ?? {};
  const blocks = schema.block_types ?? {};
  const dynamicNames = new Set<string>();
  for (const [key, value] of Object.entries(body)) {
    if (top && META.has(key)) continue;
    if (key === 'dynamic' && typeof value === 'object' && value !== null) {
      for (const [name, items] of Object.entries(value as Record<string, TfBody[]>)) {
        dynamicNames.add(name);
        const bt = blocks[name];
        if (!bt) {
          unknownBlock(b, name, path, emit);
          continue;
        }
        for (const item of items) {
          const content = (item.content as TfBody[] | undefined)?.[0];
          if (content) checkBody(b, content, bt.block, `${path}.${name}`, false, emit);
        }
      }
      continue;
    }
    const attr = attrs[key];
    if (attr) {
      if (!attr.required && !attr.optional)
        emit(
          'terraform/unknown-argument',
          b.file,
          argAt(b, key),
          `"${key}" of ${path} is computed by the provider and cannot be set`,
          `Remove "${key}"; read it as ${path}.${key} instead.`,
        );
      else if (attr.deprecated)
        emit(
          'terraform/deprecated-argument',
          b.file,
          argAt(b, key),
          `"${key}" of ${path} is deprecated`,
          'See the provider documentation for its replacement.',
        );
      else if (isBlockList(value) && typeof attr.type === 'string')
        emit(
          'terraform/unknown-block',
          b.file,
          argAt(b, key),
          `"${key}" of ${path} is an argument of type ${attr.type}, not a nested block`,
          `Write ${key} = <value>.`,
        );
      continue;
    }
    const bt = blocks[key];
    if (bt) {
      // Attributes-as-blocks (`ingress = [...]`) are valid too, so only block syntax is checked inside.
      if (isBlockList(value)) for (const item of value) checkBody(b, item, bt.block, `${path}.${key}`, false, emit);
      if (bt.block.deprecated)
        emit('terraform/deprecated-argument', b.file, argAt(b, key), `Block "${key}" of ${path} is deprecated`);
      continue;
    }
    if (isBlockList(value)) unknownBlock(b, key, path, emit, Object.keys(blocks));
    else
      emit(
        'terraform/unknown-argument',
        b.file,
        argAt(b, key),
        `Unknown argument "${key}" in ${path}`,
        hintFrom(
          key,
          Object.keys(attrs).filter((k) => attrs[k]!.required || attrs[k]!.optional),
        ),
      );
  }
  for (const [name, a] of Object.entries(attrs))
    if (a.required && !(name in body))
      emit(
        'terraform/missing-argument',
        b.file,
        b.at,
        `${path} is missing the required argument "${name}"`,
        `Add ${name} = ... to the block.`,
      );
  for (const [name, bt] of Object.entries(blocks))
    if ((bt.min_items ?? 0) >= 1 && !(name in body) && !dynamicNames.has(name))
      emit(
        'terraform/missing-argument',
        b.file,
        b.at,
        `${path} is missing the required block "${name}"`,
        `Add a ${name} { ... } block.`,
      );
}

function unknownBlock(b: TfBlock, key: string, path: string, emit: Emit, known: string[] = []): void {
  emit(
    'terraform/unknown-block',
    b.file,
    argAt(b, key),
    `Unknown nested block "${key}" in ${path}`,
    known.length > 0 ? `Blocks this one takes: ${known.join(', ')}.` : 'This block takes no nested blocks.',
  );
}

function hintFrom(key: string, known: string[]): string {
  const close = known.filter((k) => k.includes(key) || key.includes(k) || levenshtein(k, key) <= 2);
  return close.length > 0
    ? `Did you mean ${close.map((k) => `"${k}"`).join(' or ')}?`
    : 'Remove it, or check the provider documentation.';
}

function levenshtein(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length]![b.length]!;
}

// ---------------------------------------------------------------- modules

function checkModuleCall(b: TfBlock, callee: TfModule | undefined, emit: Emit): void {
  const src = b.body.source;
  if (typeof src === 'string' && /^\.\.?\//.test(src) && (!callee || callee.blocks.length === 0)) {
    emit(
      'terraform/dangling-reference',
      b.file,
      argAt(b, 'source'),
      `module "${b.name}": no Terraform module at ${src}`,
      'Point source at a folder with .tf files.',
    );
    return;
  }
  if (!callee) return; // registry or git modules are not checked offline
  const inputs = new Map(callee.blocks.filter((x) => x.kind === 'variable').map((x) => [x.name, x]));
  for (const key of Object.keys(b.body)) {
    if (MODULE_META.has(key) || inputs.has(key)) continue;
    emit(
      'terraform/unknown-module-input',
      b.file,
      argAt(b, key),
      `module "${b.name}" (${String(src)}) declares no variable "${key}"`,
      hintFrom(key, [...inputs.keys()]),
    );
  }
  for (const [name, v] of inputs)
    if (!('default' in v.body) && !(name in b.body))
      emit(
        'terraform/missing-module-input',
        b.file,
        b.at,
        `module "${b.name}" needs the input "${name}" (it has no default)`,
        `Add ${name} = ... to the module call.`,
      );
}

// ---------------------------------------------------------------- references

/** Every string of a body with its dotted argument path, depth-first. */
function* strings(v: unknown): Generator<string> {
  if (typeof v === 'string') yield v;
  else if (Array.isArray(v)) for (const x of v) yield* strings(x);
  else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) yield* strings(x);
}

/** Expressions only: hcl2json writes them as "${...}"; literal strings are not scanned. */
function* expressions(b: TfBlock): Generator<string> {
  for (const s of strings(b.kind === 'variable' ? { validation: b.body.validation } : b.body))
    if (s.includes('${')) yield s;
}

/**
 * References are found with a pattern over the expression text (hcl2json gives expressions back as strings):
 * var.x, local.x, module.m[.out], data.type.name, and type.name for types of a known provider.
 */
const REF =
  /(?<![\w.])(?:(var|local)\.([A-Za-z_][\w-]*)|module\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?(?:\.([A-Za-z_][\w-]*))?|data\.([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)|([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*))/g;

function checkReferences(mod: TfModule, schemas: ProviderSchemas, callees: Map<string, TfModule>, emit: Emit): void {
  const vars = new Set<string>();
  const locals = new Set<string>();
  const res = new Set<string>();
  const data = new Set<string>();
  const mods = new Set<string>();
  for (const b of mod.blocks) {
    if (b.kind === 'variable') vars.add(b.name);
    if (b.kind === 'locals') for (const k of Object.keys(b.body)) locals.add(k);
    if (b.kind === 'resource') res.add(`${b.type}.${b.name}`);
    if (b.kind === 'data') data.add(`${b.type}.${b.name}`);
    if (b.kind === 'module') mods.add(b.name);
  }
  for (const b of mod.blocks) {
    if (b.kind === 'terraform' || b.kind === 'provider' || b.kind === 'variable') {
      if (b.kind !== 'provider') continue;
    }
    const seen = new Set<string>();
    for (const expr of expressions(b))
      for (const m of expr.matchAll(REF)) {
        const text = m[0];
        if (seen.has(text)) continue;
        seen.add(text);
        const at = (): Position => locateIn(b, text);
        if (m[1] === 'var' && !vars.has(m[2]!))
          emit(
            'terraform/undeclared-variable',
            b.file,
            at(),
            `var.${m[2]} is not declared in this module`,
            `Add variable "${m[2]}" { type = ..., description = ... } (for instance in variables.tf).`,
          );
        else if (m[1] === 'local' && !locals.has(m[2]!))
          emit('terraform/dangling-reference', b.file, at(), `local.${m[2]} is not defined in any locals block`);
        else if (m[3] !== undefined) {
          if (!mods.has(m[3]))
            emit('terraform/dangling-reference', b.file, at(), `module.${m[3]} is not called in this module`);
          else if (m[4] !== undefined) {
            const callee = callees.get(m[3]);
            if (callee && !callee.blocks.some((x) => x.kind === 'output' && x.name === m[4]))
              emit(
                'terraform/dangling-reference',
                b.file,
                at(),
                `module.${m[3]}.${m[4]}: the module declares no output "${m[4]}"`,
              );
          }
        } else if (m[5] !== undefined && schemas.knowsProviderOf(m[5]) && !data.has(`${m[5]}.${m[6]}`))
          emit('terraform/dangling-reference', b.file, at(), `data.${m[5]}.${m[6]} is not declared in this module`);
        else if (m[7] !== undefined && schemas.resource(m[7]) && !res.has(`${m[7]}.${m[8]}`))
          emit('terraform/dangling-reference', b.file, at(), `${m[7]}.${m[8]} is not declared in this module`);
      }
  }
}

// ---------------------------------------------------------------- secrets

function isLiteral(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && !v.includes('${');
}

const SECRET_HINT =
  'Read it from AWS Secrets Manager or Vault (a data source), or pass it as a sensitive variable from the pipeline; never commit it.';

function checkSecrets(mod: TfModule, vars: Map<string, TfBlock>, schemas: ProviderSchemas, emit: Emit): void {
  const literal = (b: { file: string; text: string; textLine: number; at: Position }, key: string, where: string) =>
    emit('terraform/literal-secret', b.file, argAt(b, key), `${where} holds a literal secret value`, SECRET_HINT);
  // .tfvars: secret-named keys with literal values.
  for (const f of mod.files.filter((x) => x.kind === 'tfvars')) {
    const whole = { file: f.path, text: f.text, textLine: 1, at: { line: 1, column: 1 } };
    for (const [k, v] of Object.entries(f.json)) if (isSecretName(k) && isLiteral(v)) literal(whole, k, `"${k}"`);
  }
  const sensitiveVars = new Set<string>();
  for (const [name, v] of vars) {
    const secret = isSecretName(name);
    if (v.body.sensitive === true || secret) sensitiveVars.add(name);
    if (secret && v.body.sensitive !== true)
      emit(
        'terraform/secret-not-sensitive',
        v.file,
        v.at,
        `variable "${name}" looks like a secret but is not marked sensitive`,
        'Add sensitive = true so that Terraform keeps it out of plan output and logs.',
      );
    if (secret && isLiteral(v.body.default)) literal(v, 'default', `variable "${name}" default`);
  }
  for (const b of mod.blocks) {
    if (b.kind === 'resource' || b.kind === 'data' || b.kind === 'module' || b.kind === 'locals') {
      const schema =
        b.kind === 'resource' ? schemas.resource(b.type!) : b.kind === 'data' ? schemas.data(b.type!) : undefined;
      const walk = (body: TfBody, s: SchemaBlock | undefined): void => {
        for (const [k, v] of Object.entries(body)) {
          if (k === 'config_sensitive' && typeof v === 'object' && v !== null && !Array.isArray(v)) {
            for (const [ck, cv] of Object.entries(v))
              if (isLiteral(cv))
                emit(
                  'terraform/literal-secret',
                  b.file,
                  // The key is quoted ("connection.password" = ...) or bare: argAt looks for bare names only.
                  locateIn(b, new RegExp(`()("${esc(ck)}"|(?<![\\w."])${esc(ck)})\\s*=`)),
                  `config_sensitive "${ck}" holds a literal secret value`,
                  SECRET_HINT,
                );
            continue;
          }
          if (isLiteral(v) && (isSecretName(k) || s?.attributes?.[k]?.sensitive))
            literal(b, k, `"${k}" of ${label(b)}`);
          if (isBlockList(v)) for (const item of v) walk(item, s?.block_types?.[k]?.block);
        }
      };
      walk(b.body, schema);
    }
    if (b.kind === 'output' && b.body.sensitive !== true) {
      const value = [...strings(b.body.value)].join(' ');
      const why = isSecretName(b.name)
        ? 'its name says it is a secret'
        : [...value.matchAll(/(?<![\w.])var\.([A-Za-z_][\w-]*)/g)].some((m) => sensitiveVars.has(m[1]!))
          ? 'it passes a sensitive variable'
          : [...value.matchAll(/(?<![\w.])([a-z][a-z0-9]*_[a-z0-9_]+)\.[\w-]+(?:\[[^\]]*\])?\.([\w-]+)/g)].some(
                (m) => schemas.resource(m[1]!)?.attributes?.[m[2]!]?.sensitive,
              )
            ? 'it passes an attribute the provider marks sensitive'
            : undefined;
      if (why)
        emit(
          'terraform/secret-not-sensitive',
          b.file,
          b.at,
          `output "${b.name}" is not marked sensitive but ${why}`,
          'Add sensitive = true, or better, write the value to Secrets Manager instead of outputting it.',
        );
    }
  }
}

function label(b: TfBlock): string {
  return b.type ? `${b.type}.${b.name}` : `${b.kind} "${b.name}"`;
}

// ---------------------------------------------------------------- network exposure

/** A literal, or `${var.x}` / `${local.x}` resolved to the variable's default or the local's value. */
function resolveValue(v: unknown, vars: Map<string, TfBlock>, depth = 0): unknown {
  if (typeof v === 'string' && depth < 5) {
    const m = /^\$\{(var|local)\.([A-Za-z_][\w-]*)\}$/.exec(v);
    if (m?.[1] === 'var') return resolveValue(vars.get(m[2]!)?.body.default, vars, depth + 1);
    if (m?.[1] === 'local') return resolveValue(localsOf(vars).get(m[2]!), vars, depth + 1);
  }
  return v;
}

/** The locals of the module a variables map belongs to (set once per module in checkModule). */
const LOCALS = new WeakMap<Map<string, TfBlock>, Map<string, unknown>>();
function localsOf(vars: Map<string, TfBlock>): Map<string, unknown> {
  return LOCALS.get(vars) ?? new Map();
}

function num(v: unknown, vars: Map<string, TfBlock>): number | undefined {
  const r = resolveValue(v, vars);
  return typeof r === 'number' ? r : typeof r === 'string' && /^\d+$/.test(r) ? Number(r) : undefined;
}

const OPEN = /^(0\.0\.0\.0\/0|::\/0)$/;

function checkPublicRestPort(mod: TfModule, vars: Map<string, TfBlock>, emit: Emit): void {
  const covers = (r: TfBody): boolean => {
    const proto = resolveValue(r.ip_protocol ?? r.protocol, vars);
    if (proto === '-1' || proto === 'all') return true;
    const from = num(r.from_port, vars);
    const to = num(r.to_port, vars) ?? from;
    return from !== undefined && to !== undefined && from <= CONNECT_REST_PORT && CONNECT_REST_PORT <= to;
  };
  const open = (r: TfBody): boolean =>
    [r.cidr_blocks, r.ipv6_cidr_blocks, r.cidr_ipv4, r.cidr_ipv6].some((c) => {
      const v = resolveValue(c, vars);
      return (Array.isArray(v) ? v : [v]).some(
        (x) => typeof x === 'string' && OPEN.test(resolveValue(x, vars) as string),
      );
    });
  const report = (b: TfBlock, r: TfBody): void => {
    if (!covers(r) || !open(r)) return;
    emit(
      'terraform/public-rest-port',
      b.file,
      locateIn(b, /()("0\.0\.0\.0\/0"|"::\/0")/),
      `${label(b)} opens the Kafka Connect REST port ${CONNECT_REST_PORT} to the internet`,
      'Allow only the VPC CIDR or the load balancer security group; the REST API must never be public (REQ-SEC-003).',
    );
  };
  for (const b of mod.blocks.filter((x) => x.kind === 'resource')) {
    if (b.type === 'aws_security_group' && isBlockList(b.body.ingress)) for (const r of b.body.ingress) report(b, r);
    if (b.type === 'aws_security_group_rule' && b.body.type === 'ingress') report(b, b.body);
    if (b.type === 'aws_vpc_security_group_ingress_rule') report(b, b.body);
  }
}

// ---------------------------------------------------------------- availability zones

/** Variables of a module that feed the subnets of its ECS service (the Connect workers). */
function subnetInputs(mod: TfModule): Set<string> {
  const out = new Set<string>();
  for (const b of mod.blocks)
    if (b.type === 'aws_ecs_service' && isBlockList(b.body.network_configuration))
      for (const nc of b.body.network_configuration) {
        const m = typeof nc.subnets === 'string' ? /^\$\{var\.([A-Za-z_][\w-]*)\}$/.exec(nc.subnets) : null;
        if (m) out.add(m[1]!);
      }
  return out;
}

function checkAvailabilityZones(
  mod: TfModule,
  vars: Map<string, TfBlock>,
  callees: Map<string, TfModule>,
  emit: Emit,
): void {
  const hint =
    'Spread the Connect workers over at least 3 availability zones (one private subnet in each) so that losing one zone keeps a majority of workers.';
  const few = (v: unknown): v is unknown[] => Array.isArray(v) && v.length < 3;
  for (const b of mod.blocks) {
    if (b.type === 'aws_ecs_service' && isBlockList(b.body.network_configuration))
      for (const nc of b.body.network_configuration) {
        const subnets = resolveValue(nc.subnets, vars);
        if (few(subnets))
          emit(
            'terraform/too-few-azs',
            b.file,
            argAt(b, 'subnets'),
            `${label(b)} runs in ${subnets.length} subnet(s): fewer than 3 availability zones`,
            hint,
          );
      }
    if (b.kind === 'module') {
      const callee = callees.get(b.name);
      if (!callee) continue;
      for (const input of subnetInputs(callee)) {
        const v = resolveValue(b.body[input], vars);
        if (few(v))
          emit(
            'terraform/too-few-azs',
            b.file,
            argAt(b, input),
            `module "${b.name}" gives the Connect service ${v.length} subnet(s) in "${input}": fewer than 3 availability zones`,
            hint,
          );
      }
    }
  }
}
