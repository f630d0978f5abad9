import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

/**
 * Issue 19 §5: human validate output of one minified line with tens of thousands of findings took seconds and hundreds
 * of MB (8k keys: 6 s and 1.6 GB; 80k: no end). The built CLI (bin/kcops.js: run `npm run build`) prints at most 100
 * findings per file with a count of the rest; -o json still lists every one.
 */
it('validate of one line with 38,000 findings prints 100 of them and counts the rest; JSON has all', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-validate-big-'));
  try {
    const config: Record<string, string> = {
      'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
      'database.password': 'CANARY-big',
    };
    for (let i = 0; i < 38_000; i++) config[`k${i}`] = `v${i}`;
    writeFileSync(join(dir, 'big.json'), JSON.stringify({ name: 'big', config }));
    const bin = join(import.meta.dirname, '../../../bin/kcops.js');
    const run = (...args: string[]) =>
      spawnSync(process.execPath, [bin, 'validate', 'big.json', '--offline', ...args], {
        cwd: dir,
        encoding: 'utf8',
        maxBuffer: 1 << 30,
        env: { ...process.env, NO_COLOR: '1' },
      });
    const human = run();
    expect(human.status, human.stderr).toBe(1);
    expect(human.stdout.length).toBeLessThan(200_000);
    expect(human.stdout).toMatch(/… 3\d{4} more findings in this file: 3\d{4} unknown-key\/connector/);
    expect(human.stdout).toMatch(/✗ 1 file checked: \d+ errors, 380\d\d warnings/);
    expect(human.stdout).not.toContain('CANARY');
    const json = run('-o', 'json');
    const doc = JSON.parse(json.stdout) as { findings: { rule: string }[] };
    expect(doc.findings.filter((f) => f.rule === 'unknown-key/connector')).toHaveLength(38_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 180_000);
