import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyKeyFile, writeKeyFile } from '../../../src/core/access/key-file.js';
import { runCli } from '../../support/run-cli.js';

/**
 * Without --key-file, `kcops access keys` uses the dev stack's key file: the one of the KCOPS_DEV_HOME the command is
 * given (its environment), like every other command that finds the dev stack, not the one of the process running it.
 */
describe('access keys: the dev stack of the command environment', () => {
  it('creates and lists keys in $KCOPS_DEV_HOME/config/connect-access-keys.json', async () => {
    const home = mkdtempSync(join(tmpdir(), 'kcops-access-home-'));
    mkdirSync(join(home, 'config'));
    const file = join(home, 'config', 'connect-access-keys.json');
    writeKeyFile(file, { ...emptyKeyFile(), teams: { payments: { prefixes: ['payments-'] } } });
    const cwd = mkdtempSync(join(tmpdir(), 'kcops-access-cwd-'));
    const env = { KCOPS_DEV_HOME: home, KCOPS_AUDIT_FILE: join(cwd, 'audit.jsonl') };
    const made = await runCli(
      ['access', 'keys', 'create', '--principal', 'alice', '--role', 'payments=operator', '-o', 'json'],
      {
        cwd,
        env,
      },
    );
    expect(made.code, made.err).toBe(0);
    expect(made.json.keyFile).toBe(file);
    expect(readFileSync(file, 'utf8')).toContain(made.json.key.id);
    const list = await runCli(['access', 'keys', 'list', '-o', 'json'], { cwd, env });
    expect(list.json.keys.map((k: { principal: string }) => k.principal)).toEqual(['alice']);
  });
});
