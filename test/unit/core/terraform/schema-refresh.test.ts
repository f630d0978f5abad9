import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledSchemaFiles, loadSchemas, schemaVersions } from '../../../../src/core/terraform/schema.js';
import { SHARED_DIR } from '../../../shared-dir.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const SCRIPT = join(ROOT, 'scripts/refresh-terraform-schemas.mjs');
const SPECS = join(SHARED_DIR, 'specs/terraform');
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'kcops-tfschema-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const refresh = (args: string[]) => spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', cwd: ROOT });
const text = (f: string): string =>
  (f.endsWith('.gz') ? gunzipSync(readFileSync(f)) : readFileSync(f)).toString('utf8');

describe('scripts/refresh-terraform-schemas.mjs', () => {
  it('from the published schema files it writes exactly what kcops ships in runtime/terraform/, versions recorded', () => {
    const out = tmp();
    const r = refresh([join(SPECS, 'confluent.schema.json'), join(SPECS, 'aws.full.schema.json'), '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('registry.terraform.io/hashicorp/aws 6.25.0: 1581 resources, 630 data sources');
    expect(readdirSync(out).sort()).toEqual(['aws.schema.json.gz', 'confluent.schema.json']);
    const shipped = bundledSchemaFiles();
    expect(shipped.map((f) => f.split('/').pop())).toEqual(['aws.schema.json.gz', 'confluent.schema.json']);
    for (const f of shipped) expect(text(join(out, f.split('/').pop()!)), f).toBe(text(f));
    expect(schemaVersions(bundledSchemaFiles(out))).toEqual({
      'registry.terraform.io/confluentinc/confluent': '2.83.4',
      'registry.terraform.io/hashicorp/aws': '6.25.0',
    });
  }, 60_000);

  it('the trimmed schemas answer every check like the full ones (all types, arguments, flags, nested blocks)', () => {
    const out = tmp();
    expect(refresh([join(SPECS, 'confluent.schema.json'), '--out', out]).status).toBe(0);
    const full = loadSchemas([join(SPECS, 'confluent.schema.json')]);
    const trimmed = loadSchemas(bundledSchemaFiles(out));
    const spec = JSON.parse(readFileSync(join(SPECS, 'confluent.schema.json'), 'utf8'));
    const types = Object.keys(Object.values<{ resource_schemas: object }>(spec.provider_schemas)[0]!.resource_schemas);
    expect(types).toHaveLength(64);
    for (const t of types) expect(trimmed.resource(t), t).toEqual(full.resource(t));
    expect(trimmed.resource('confluent_connector')?.attributes?.config_sensitive?.sensitive).toBe(true);
  }, 60_000);

  it('takes the versions from the lock file of a real `terraform providers schema -json` (which has none)', () => {
    const d = tmp();
    const schema = {
      format_version: '1.0',
      provider_schemas: {
        'registry.terraform.io/hashicorp/random': {
          provider: { version: 0, block: { description_kind: 'plain' } },
          resource_schemas: {
            random_id: {
              version: 0,
              block: {
                attributes: {
                  byte_length: { type: 'number', description: 'bytes', description_kind: 'plain', required: true },
                  hex: { type: 'string', description_kind: 'plain', computed: true },
                },
                description_kind: 'plain',
              },
            },
          },
        },
      },
    };
    writeFileSync(join(d, 'schema.json'), JSON.stringify(schema));
    const refused = refresh([join(d, 'schema.json'), '--out', join(d, 'out')]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('no version known for registry.terraform.io/hashicorp/random');
    writeFileSync(
      join(d, '.terraform.lock.hcl'),
      '# This file is maintained automatically by "terraform init".\n\nprovider "registry.terraform.io/hashicorp/random" {\n  version     = "3.6.3"\n  constraints = "~> 3.6"\n  hashes = [\n    "h1:abc=",\n  ]\n}\n',
    );
    const ok = refresh([join(d, 'schema.json'), '--lock', join(d, '.terraform.lock.hcl'), '--out', join(d, 'out')]);
    expect(ok.status, ok.stderr).toBe(0);
    const written = JSON.parse(readFileSync(join(d, 'out/random.schema.json'), 'utf8'));
    expect(written.meta.provider_version).toBe('3.6.3');
    expect(written.provider_schemas['registry.terraform.io/hashicorp/random'].resource_schemas.random_id).toEqual({
      block: {
        attributes: { byte_length: { type: 'number', required: true }, hex: { type: 'string', computed: true } },
      },
    });
  }, 60_000);
});
