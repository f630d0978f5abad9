/**
 * The SARIF kcops writes is what GitHub code scanning ingests: Microsoft's SARIF multitool (the reference validator,
 * with its GitHub ingestion rules) reports no error and no warning on the SARIF of a fixture repository, and it does
 * report the two faults this output once had (relative helpUri, absolute artifact paths), so a silent tool cannot pass.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../support/run-cli.js';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
/** The Linux build of the multitool is a self-contained .NET executable shipped inside the npm package. */
const MULTITOOL = join(
  createRequire(import.meta.url).resolve('@microsoft/sarif-multitool-linux/package.json'),
  '..',
  'Sarif.Multitool',
);

interface MultitoolResult {
  ruleId: string;
  level?: string;
  message: { arguments?: string[] };
}

/** `Sarif.Multitool validate` with the SARIF and GitHub rule kinds; its findings (errors and warnings) as a list. */
function multitool(file: string): MultitoolResult[] {
  const out = `${file}.validation.sarif`;
  execFileSync(MULTITOOL, ['validate', '--rule-kind', 'Sarif;Gh', '--output', out, file], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
  });
  const log = JSON.parse(readFileSync(out, 'utf8')) as { runs: { results?: MultitoolResult[] }[] };
  return log.runs.flatMap((r) => r.results ?? []);
}

function fixtureRepository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-sarif-'));
  cpSync(join(ROOT, 'examples', 'kafka-connect-configs'), dir, { recursive: true });
  // A credential in clear, a wrong type, a file that is not JSON, a name with a space: findings of several rules.
  writeFileSync(
    join(dir, 'connectors', 'dev', 'payments-broken.json'),
    JSON.stringify({
      name: 'payments-broken',
      config: {
        'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
        'database.password': 'hunter2-in-clear',
        'tasks.max': 'many',
      },
    }),
  );
  mkdirSync(join(dir, 'connectors', 'staging'), { recursive: true });
  writeFileSync(join(dir, 'connectors', 'dev', 'payments with space.json'), '{ "name": ');
  execFileSync('git', ['init', '-q'], { cwd: dir });
  return dir;
}

describe('SARIF for code scanning', () => {
  it('the multitool finds nothing in the SARIF of a fixture repository, run from a subfolder', async () => {
    const repo = fixtureRepository();
    // From a subfolder: locations are still relative to the repository root, not to the current directory.
    const r = await runCli(['validate', '--offline', '-o', 'sarif'], { cwd: join(repo, 'connectors') });
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.out) as {
      runs: {
        tool: { driver: { informationUri: string; rules: { id: string; help: { text: string } }[] } };
        results: {
          ruleId: string;
          locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[];
        }[];
      }[];
    };
    const run = doc.runs[0]!;
    expect(run.results.length).toBeGreaterThanOrEqual(4);
    const uris = run.results.map((x) => x.locations[0]!.physicalLocation.artifactLocation);
    expect(uris).toContainEqual({ uri: 'connectors/dev/payments-broken.json', uriBaseId: '%SRCROOT%' });
    expect(uris).toContainEqual({ uri: 'connectors/dev/payments%20with%20space.json', uriBaseId: '%SRCROOT%' });
    expect(uris.every((u) => u.uriBaseId === '%SRCROOT%' && !u.uri.startsWith('/'))).toBe(true);
    expect(run.tool.driver.informationUri).toMatch(/^https:\/\//);
    expect(run.tool.driver.rules.every((x) => x.help.text.includes(x.id.split('/')[0]!))).toBe(true);
    expect(r.out).not.toContain('hunter2-in-clear');

    const file = join(repo, 'kcops.sarif');
    writeFileSync(file, r.out);
    expect(multitool(file)).toEqual([]);

    // The control: the faults of the earlier output are reported by the same run, so the empty list above means something.
    const bad = JSON.parse(r.out) as typeof doc & { runs: { tool: { driver: { rules: { helpUri?: string }[] } } }[] };
    bad.runs[0]!.tool.driver.rules[0]!.helpUri = 'docs/reference/validation-rules.md#x';
    bad.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation = {
      uri: `${repo}/connectors/dev/payments-broken.json`,
    } as { uri: string; uriBaseId: string };
    const badFile = join(repo, 'old.sarif');
    writeFileSync(badFile, JSON.stringify(bad));
    const ids = multitool(badFile).map((x) => x.ruleId);
    expect(ids).toContain('SARIF1002');
    expect(ids).toContain('SARIF1004');
  }, 120_000);
});
