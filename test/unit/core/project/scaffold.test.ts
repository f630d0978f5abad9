import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { initRepository, newConnector, TEMPLATE_NAMES } from '../../../../src/core/project/scaffold.js';
import { validate } from '../../../../src/core/validate/run.js';

it('init writes the layout and every template, in both flavours, passes validate as written', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-init-'));
  const r = initRepository(dir);
  for (const f of ['kcops.yaml', 'connectors/dev/.gitkeep', 'connectors/staging/.gitkeep', 'connectors/prod/.gitkeep', 'schemas/avro/.gitkeep', 'scripts/validate-connector.sh', 'scripts/deploy-connector.sh', 'docs/README.md', '.gitignore']) {
    expect(r.created).toContain(f);
  }
  expect(initRepository(dir).created).toEqual([]); // never overwrites
  for (const env of ['dev', 'staging', 'prod']) for (const t of TEMPLATE_NAMES) newConnector(dir, t, env, `payments-${t}-${env}`);
  expect(existsSync(join(dir, 'connectors/prod/payments-jdbc-sink-prod.json'))).toBe(true);
  const v = await validate({ paths: [], cwd: dir });
  expect(v.findings.filter((f) => f.severity !== 'info')).toEqual([]);
  expect(v.summary.files).toBe(7);
  expect(() => newConnector(dir, 'postgres-cdc', 'qa', 'payments-x')).toThrow(/Unknown environment/);
  expect(() => newConnector(dir, 'nope', 'dev', 'payments-x')).toThrow(/No template/);
});
