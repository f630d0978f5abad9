/**
 * docs/episodes/08-test-data-and-flow.md, executed: every `$ kcops` line of the episode runs, in order, through the
 * real CLI in a copy of examples/kafka-connect-configs whose endpoints point at the running dev stack. `dev up` and
 * `dev down` are the suite's own set-up and tear-down (global setup, or the developer's `dev up`), so they are the only
 * lines not run here. This is also the "as written" path: `dev datagen postgres --table public.orders --count
 * 2000` then `dev verify payments-orders-cdc --sink payments-orders-jdbc-sink` exits 0, in human and JSON output.
 *
 * Needs a running dev stack: KCOPS_TEST_CONNECT_URLS, KCOPS_TEST_KAFKA_BOOTSTRAP, KCOPS_TEST_DEV_HOME.
 */
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliRun } from '../support/run-cli.js';

const root = join(import.meta.dirname, '..', '..');
const urls = process.env.KCOPS_TEST_CONNECT_URLS?.split(',').filter(Boolean) ?? [];
const bootstrap = process.env.KCOPS_TEST_KAFKA_BOOTSTRAP;
const devHome = process.env.KCOPS_TEST_DEV_HOME;
const enabled = urls.length === 2 && !!bootstrap && !!devHome;

/** The `$ kcops ...` lines of the episode, in order, as argv. */
export function episodeCommands(markdown: string): string[][] {
  return markdown
    .split('\n')
    .map((l) => /^\$ kcops (.*)$/.exec(l.trim())?.[1])
    .filter((x): x is string => x !== undefined)
    .map((args) => args.split(/\s+/));
}

/** The example, with its dev endpoints moved to the test stack's ports; nothing else changes. */
function exampleCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-episode-08-'));
  cpSync(join(root, 'examples', 'kafka-connect-configs'), dir, { recursive: true });
  const yaml = join(dir, 'kcops.yaml');
  writeFileSync(
    yaml,
    readFileSync(yaml, 'utf8')
      .replace("'http://127.0.0.1:28083', 'http://127.0.0.1:28084'", urls.map((u) => `'${u}'`).join(', '))
      .replace('127.0.0.1:29092', bootstrap!),
  );
  const s3Port = JSON.parse(readFileSync(join(devHome!, 'state.json'), 'utf8')).ports.s3 as number;
  for (const f of readdirSync(join(dir, 'connectors', 'dev'))) {
    const p = join(dir, 'connectors', 'dev', f);
    writeFileSync(p, readFileSync(p, 'utf8').replace('http://127.0.0.1:29090', `http://127.0.0.1:${s3Port}`));
  }
  return dir;
}

describe.skipIf(!enabled)('episode 8: test data and a verified flow, every command run', () => {
  const repo = enabled ? exampleCopy() : '';
  const env = { KCOPS_DEV_HOME: devHome ?? '' };
  const cli = (argv: string[]) => runCli(argv, { cwd: repo, env });
  const ran: { argv: string[]; r: CliRun }[] = [];

  afterAll(async () => {
    if (!enabled) return;
    // The example's own resources: its connectors, slot, publication, groups, objects and topic.
    await cli(['dev', 'clean', 'payments-orders', '--approve']);
    await cli(['dev', 'clean', 'payments.public.orders', '--approve']);
  }, 600_000); // the example's S3 sink writes one object per record: thousands to delete after a long run

  it('runs every `$ kcops` line of the episode, in order, each with exit 0', async () => {
    const commands = episodeCommands(readFileSync(join(root, 'docs', 'episodes', '08-test-data-and-flow.md'), 'utf8'));
    expect(commands.length).toBeGreaterThan(8);
    for (const argv of commands) {
      if (argv[0] === 'dev' && (argv[1] === 'up' || argv[1] === 'down')) continue;
      const r = await cli(argv);
      ran.push({ argv, r });
      expect(r.code, `kcops ${argv.join(' ')}\n${r.out}\n${r.err}`).toBe(0);
    }
  }, 600_000);

  const find = (...words: string[]) =>
    ran.find(({ argv }) => words.every((w, i) => argv[i] === w) && (words.includes('-o') || !argv.includes('-o')));

  it('datagen wrote 2,000 rows; verify agreed at every stage, in human and JSON output', () => {
    const verify = find('dev', 'verify', 'payments-orders-cdc');
    expect(verify?.r.out).toMatch(/✔ \d+ rows agree at every stage/);
    const json = ran.find(({ argv }) => argv[1] === 'verify' && argv.includes('json'))!.r.json;
    expect(json.ok).toBe(true);
    expect(json.source.rows).toBeGreaterThanOrEqual(2000);
    expect(json.topic.keys).toBe(json.source.rows);
    expect(json.sinks[0]).toMatchObject({ connector: 'payments-orders-jdbc-sink', keys: json.source.rows });
    expect(json.mismatches).toEqual({ total: 0, keys: [] });
    expect(json.latency.topic.samples).toBeGreaterThan(0);
  });

  it('produced test records as the team account, and clean found then deleted them', () => {
    expect(find('dev', 'datagen', 'kafka')?.r.out).toContain('as sa-payments');
    const dry = ran.find(({ argv }) => argv[1] === 'clean' && !argv.includes('--approve'))!.r.out;
    expect(dry).toContain('payments.e2e.orders');
    expect(dry).toContain('payments/e2e/in/');
    expect(dry).toContain('Dry run');
    const done = ran.find(({ argv }) => argv[1] === 'clean' && argv.includes('--approve'))!.r.out;
    expect(done).toMatch(/✔ deleted (\d+) of \1/);
  });

  it('the DLQ of the example sink is read (empty after a clean run)', () => {
    expect(find('connect', 'dlq')?.r.out).toContain('DLQ payments.dlq.orders-jdbc-sink');
  });
});
