#!/usr/bin/env node
// Refreshes the provider schemas kcops ships in runtime/terraform/ (what `validate --terraform` checks .tf files
// against, offline) from the output of `terraform providers schema -json`.
//
//   terraform init && terraform providers schema -json > schema.json       (in a root module using the providers)
//   node scripts/refresh-terraform-schemas.mjs schema.json --lock .terraform.lock.hcl [--out runtime/terraform]
//
// `terraform providers schema -json` does not say which provider versions it describes, so the versions come from
// the dependency lock file (--lock, read with the HCL parser kcops uses), from --version <address>=<version>, or from
// a `meta.provider_version` the input already records (the files in specs/terraform/ do). A provider whose version
// is unknown is refused: a schema without its version cannot be kept up to date.
//
// Each provider is written to <name>.schema.json (gzipped as .schema.json.gz when its JSON is above 512 KiB), trimmed to what the
// checks read (types, required/optional/computed, sensitive, deprecated, nesting and item counts; no descriptions),
// keys sorted, one per line, so that a refresh shows as a readable diff, with meta.provider_version and meta.source_address.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const GZIP_ABOVE = 512 * 1024;
const ATTRIBUTE_KEYS = ['type', 'required', 'optional', 'computed', 'sensitive', 'deprecated', 'write_only'];

function usage(message) {
  if (message) console.error(`error: ${message}\n`);
  console.error(
    'usage: node scripts/refresh-terraform-schemas.mjs <providers-schema.json> [more.json...]\n' +
      '         [--lock .terraform.lock.hcl] [--version <address>=<version>]... [--out runtime/terraform] [--clean]\n\n' +
      '  <providers-schema.json>  output of `terraform providers schema -json` (gzipped accepted)\n' +
      '  --lock       the dependency lock file of the same root module: gives each provider version\n' +
      '  --version    a provider version by hand, e.g. registry.terraform.io/hashicorp/aws=6.25.0\n' +
      '  --out        where to write (default: runtime/terraform/ of this repository)\n' +
      '  --clean      remove the *.schema.json[.gz] files of --out that this run did not write',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    inputs: [],
    versions: new Map(),
    lock: undefined,
    out: join(HERE, '..', 'runtime', 'terraform'),
    clean: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--lock') o.lock = value();
    else if (a === '--out') o.out = value();
    else if (a === '--clean') o.clean = true;
    else if (a === '--version') {
      const m = /^(.+)=(.+)$/.exec(value());
      if (!m) usage('--version takes <address>=<version>');
      o.versions.set(m[1], m[2]);
    } else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else o.inputs.push(a);
  }
  if (o.inputs.length === 0) usage('give at least one `terraform providers schema -json` output');
  return o;
}

/** registry.terraform.io/hashicorp/aws, hashicorp/aws and aws all name the same provider. */
const shortName = (address) => address.split('/').pop();
const matches = (a, b) => a === b || a.endsWith(`/${b}`) || b.endsWith(`/${a}`);

/** Provider versions from a .terraform.lock.hcl, parsed with the same HCL parser kcops uses. */
async function lockVersions(path) {
  const { parse } = await import('@cdktf/hcl2json');
  const json = await parse(basename(path), readFileSync(path, 'utf8'));
  const out = new Map();
  for (const [address, bodies] of Object.entries(json.provider ?? {}))
    for (const body of bodies) if (typeof body.version === 'string') out.set(address, body.version);
  return out;
}

function trimBlock(block) {
  const out = {};
  if (block.attributes && Object.keys(block.attributes).length > 0) {
    out.attributes = {};
    for (const name of Object.keys(block.attributes).sort()) {
      const a = block.attributes[name];
      const t = {};
      for (const k of ATTRIBUTE_KEYS) if (a[k] !== undefined && a[k] !== false) t[k] = a[k];
      // Protocol-6 providers may describe a nested attribute type instead of `type`: kept as an object type.
      if (t.type === undefined && a.nested_type) t.type = ['object', nestedType(a.nested_type)];
      out.attributes[name] = t;
    }
  }
  if (block.block_types && Object.keys(block.block_types).length > 0) {
    out.block_types = {};
    for (const name of Object.keys(block.block_types).sort()) {
      const b = block.block_types[name];
      out.block_types[name] = {
        nesting_mode: b.nesting_mode,
        ...(b.min_items ? { min_items: b.min_items } : {}),
        ...(b.max_items ? { max_items: b.max_items } : {}),
        block: trimBlock(b.block ?? {}),
      };
    }
  }
  if (block.deprecated) out.deprecated = true;
  return out;
}

function nestedType(n) {
  const o = {};
  for (const [k, v] of Object.entries(n.attributes ?? {})) o[k] = v.type ?? ['object', nestedType(v.nested_type ?? {})];
  return o;
}

const trimAll = (schemas = {}) =>
  Object.fromEntries(
    Object.keys(schemas)
      .sort()
      .map((t) => [t, { block: trimBlock(schemas[t].block ?? {}) }]),
  );

function readInput(path) {
  const raw = readFileSync(path);
  const json = JSON.parse((path.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8'));
  if (!json || typeof json.provider_schemas !== 'object')
    throw new Error(`${path}: not a \`terraform providers schema -json\` output (no provider_schemas)`);
  return json;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const lock = o.lock ? await lockVersions(o.lock) : new Map();
  const versionOf = (address, meta) => {
    for (const m of [o.versions, lock]) for (const [a, v] of m) if (matches(a, address)) return v;
    const recorded =
      meta && matches(meta.source_address ?? meta.provider ?? '', address) ? meta.provider_version : undefined;
    return typeof recorded === 'string' ? recorded : undefined;
  };
  mkdirSync(o.out, { recursive: true });
  const written = [];
  for (const input of o.inputs) {
    const json = readInput(input);
    for (const address of Object.keys(json.provider_schemas).sort()) {
      const p = json.provider_schemas[address];
      const version = versionOf(address, json.meta);
      if (!version)
        throw new Error(
          `${input}: no version known for ${address}; pass --lock <.terraform.lock.hcl> or --version ${address}=<version>`,
        );
      const trimmed = {
        format_version: json.format_version ?? '1.0',
        meta: {
          provider_version: version,
          source_address:
            address.includes('/') && address.split('/').length === 3 ? address : `registry.terraform.io/${address}`,
          refreshed_by: 'scripts/refresh-terraform-schemas.mjs',
          from: basename(input),
        },
        provider_schemas: {
          [address]: {
            ...(p.provider ? { provider: { block: trimBlock(p.provider.block ?? {}) } } : {}),
            resource_schemas: trimAll(p.resource_schemas),
            data_source_schemas: trimAll(p.data_source_schemas),
          },
        },
      };
      const compact = JSON.stringify(trimmed) + '\n';
      const gz = Buffer.byteLength(compact) > GZIP_ABOVE;
      // Gzipped files are not diffed: compact. Plain ones one key per line, for a readable refresh diff.
      const text = gz ? compact : JSON.stringify(trimmed, null, 1) + '\n';
      const name = `${shortName(address)}.schema.json`;
      const file = join(o.out, gz ? `${name}.gz` : name);
      // One file per provider: the other form (plain vs gzipped) of a previous refresh would be loaded twice.
      rmSync(join(o.out, gz ? name : `${name}.gz`), { force: true });
      writeFileSync(file, gz ? gzipSync(text, { level: 9 }) : text);
      written.push(file);
      const count = (x) => Object.keys(x ?? {}).length;
      console.log(
        `${address} ${version}: ${count(p.resource_schemas)} resources, ${count(p.data_source_schemas)} data sources -> ${file}`,
      );
    }
  }
  if (o.clean)
    for (const n of readdirSync(o.out))
      if (
        /\.schema\.json(\.gz)?$/.test(n) &&
        !written.includes(resolve(o.out, n)) &&
        !written.includes(join(o.out, n))
      ) {
        rmSync(join(o.out, n));
        console.log(`removed ${join(o.out, n)}`);
      }
}

main().catch((e) => {
  console.error(`error: ${e.message}`);
  process.exit(1);
});
