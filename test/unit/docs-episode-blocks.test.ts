import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { episodeBlocks, matchesPage, normalise } from '../support/episode-blocks.js';

const root = join(import.meta.dirname, '..', '..');

describe('episode console blocks (run by test/ops-it/episodes.test.ts)', () => {
  it('reads commands, the output shown after each, `echo $?` and the not-run marker with its reason', () => {
    const page = [
      '```console',
      '$ kcops dev status',
      'COMPONENT  PID    PORTS',
      'broker     123    29092,29093',
      '$ kcops drift --env dev --detailed-exitcode',
      '$ echo $?',
      '3',
      '```',
      '',
      '<!-- not run: stops the shared stack -->',
      '```sh',
      '$ kcops dev down',
      '```',
    ].join('\n');
    const [a, b] = episodeBlocks(page);
    expect(a!.commands.map((c) => [c.argv, c.expected, c.exitCode])).toEqual([
      [['dev', 'status'], ['COMPONENT  PID    PORTS', 'broker     123    29092,29093'], undefined],
      [['drift', '--env', 'dev', '--detailed-exitcode'], [], 3],
    ]);
    expect(b).toMatchObject({ skip: 'stops the shared stack', commands: [{ argv: ['dev', 'down'] }] });
  });

  it('normalises times, ids, ports, numbers and alignment, and `...` stands for anything', () => {
    expect(
      normalise('2026-11-23T21:48:06.592Z  dev  256482be88d3 127.0.0.1:46083 (5.1 s) /tmp/x-1/.kcops/a.jsonl'),
    ).toEqual(['<time> dev <id> #:# (# s) <dir>/.kcops/a.jsonl']);
    const shown = ['✔ payments-x update applied (5.1 s)', '...', 'Apply complete.'];
    expect(matchesPage(shown, '✔ payments-x update applied (0.8 s)\nwaiting\n\nApply complete.\n')).toBe(true);
    expect(matchesPage(shown, '✔ payments-x update failed (0.8 s)\nApply complete.\n')).toBe(false);
    expect(matchesPage(['a ... c'], 'a b b c')).toBe(true);
  });

  it('reads blocks without a language and shell-only blocks, not the closing fence of a yaml block, and the note', () => {
    const page = [
      '```yaml',
      'a: 1',
      '```',
      'text',
      '```',
      '$ curl http://127.0.0.1:28083/connectors',
      '["payments-orders-cdc"]',
      '```',
      '',
      '<!-- not run: needs the Terraform registry -->',
      '*Not run by the episode test: needs the Terraform registry.*',
      '',
      '```console',
      '$ terraform init',
      '```',
      '```text',
      '$ kcops not-a-console-block',
      '```',
    ].join('\n');
    const [a, b, c] = episodeBlocks(page);
    expect(a).toMatchObject({ at: 5, commands: [{ argv: [], shell: 'curl http://127.0.0.1:28083/connectors' }] });
    expect(a!.commands[0]!.expected).toEqual(['["payments-orders-cdc"]']);
    expect(b).toMatchObject({
      at: 13,
      skip: 'needs the Terraform registry',
      note: '*Not run by the episode test: needs the Terraform registry.*',
    });
    expect(c).toBeUndefined();
  });

  it('API keys made by a run are normalised like ids', () => {
    expect(normalise('created API key K4ZD8WQ2N6JH3TXB for alice')).toEqual(['created API key <key> for alice']);
    expect(normalise('PRINCIPAL PAYMENTS-OPERATOR')).toEqual(['PRINCIPAL PAYMENTS-OPERATOR']);
  });

  it('every console block of every episode either runs or says why not, to the test and to readers', () => {
    const dir = join(root, 'docs', 'episodes');
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.md')))
      for (const b of episodeBlocks(readFileSync(join(dir, f), 'utf8'))) {
        expect(b.skip === undefined || b.skip.trim().length > 3, `${f}:${b.at}`).toBe(true);
        expect(b.skip === undefined || b.note !== undefined, `${f}:${b.at} has no note for readers`).toBe(true);
      }
  });

  it('every episode page is run by an episode test', () => {
    const tests = [
      'test/ops-it/episodes.test.ts',
      'test/ops-it/episodes-04-09.test.ts',
      'test/engine-it/episode-08.test.ts',
    ]
      .map((t) => readFileSync(join(root, t), 'utf8'))
      .join('\n');
    for (const f of readdirSync(join(root, 'docs', 'episodes')).filter((x) => x.endsWith('.md')))
      expect(tests, f).toContain(f);
  });
});
