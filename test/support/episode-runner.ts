import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { runCli, type CliRun } from './run-cli.js';
import { episodeBlocks, matchesPage, normalise, type EpisodeCommand } from './episode-blocks.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** What the hooks of an episode see and may change while its blocks run. */
export interface EpisodeRun {
  /** The episode's temporary directory. */
  work: string;
  /** Where the next command runs: `work` at first; `$ cd x` on the page, or a hook, moves it. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /**
   * Page text → the run's text, replaced in each command before it runs: what the page can only show as an
   * example (a key id made during the run, the default port 28083 of the dev stack where the test's stack has another).
   */
  words: Record<string, string>;
  /** The run's text → the page's, replaced in the output before it is compared (a stand-in's URL → the service's). */
  seen: Record<string, string>;
  previous: CliRun[];
}

export type EpisodeHook = (
  cluster: SelfManagedCluster,
  work: string,
  previous: CliRun[],
  run: EpisodeRun,
  command: EpisodeCommand,
) => Promise<void>;

export interface Episode {
  file: string;
  /** Extra environment of the episode's shell (e.g. the audit actor the page shows). */
  env?: Record<string, string>;
  setup?: (cluster: SelfManagedCluster, work: string, run: EpisodeRun) => Promise<void>;
  teardown?: (cluster: SelfManagedCluster, run?: EpisodeRun) => Promise<void>;
  /** Runs before the command whose line contains the key (page story steps that are not commands). */
  before?: Record<string, EpisodeHook>;
  /**
   * Runs the command whose line contains the key in its stead: for a command that does not end by itself (a
   * service), which the test starts, checks and stops. Its result is compared with the page like any other.
   */
  instead?: Record<string, (command: EpisodeCommand, run: EpisodeRun) => Promise<CliRun>>;
}

/** A shell line of the page (`$ sed ...`), in bash, in the episode's directory. */
function shell(line: string, cwd: string, env: NodeJS.ProcessEnv): CliRun {
  try {
    return {
      code: 0,
      out: execFileSync('bash', ['-c', line], { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
      err: '',
      json: undefined,
    };
  } catch (e) {
    const x = e as { status?: number; stdout?: string; stderr?: string };
    return { code: x.status ?? 1, out: x.stdout ?? '', err: x.stderr ?? '', json: undefined };
  }
}

const substitute = (text: string, words: Record<string, string>) =>
  Object.entries(words).reduce((t, [page, real]) => t.split(page).join(real), text);

/**
 * Episodes as tests: every console block of an episode runs, in page order, against the dev stack (the one
 * KCOPS_TEST_DEV_HOME names), and each command's output must match what the page shows after normalising times, ids,
 * ports and numbers (test/support/episode-blocks.ts). A command the page shows without output must exit 0, or the
 * code its `$ echo $?` shows. Blocks marked `<!-- not run: reason -->` are skipped, each listed by the reporter with
 * its reason. What the page's story assumes but does not show as a command is set up by the episode's hooks.
 */
export function describeEpisodes(
  title: string,
  episodes: Episode[],
  stack: { urls: string[]; creds: { connect: { username: string; password: string } } } | undefined,
  devHome: string | undefined,
): void {
  const enabled = !!stack && !!devHome;
  describe.skipIf(!enabled)(title, () => {
    const cluster = enabled ? new SelfManagedCluster({ urls: stack!.urls, auth: stack!.creds.connect }) : undefined;

    for (const ep of episodes) {
      describe(ep.file, () => {
        const work = mkdtempSync(join(tmpdir(), 'kcops-episode-'));
        const env: NodeJS.ProcessEnv = { ...process.env, KCOPS_DEV_HOME: devHome, NO_COLOR: '1', ...ep.env };
        delete env.KCOPS_AUDIT_FILE; // the page shows the repository's own .kcops/audit/audit.jsonl
        const blocks = episodeBlocks(readFileSync(join(ROOT, 'docs', 'episodes', ep.file), 'utf8'));
        const run: EpisodeRun = { work, cwd: work, env, words: {}, seen: {}, previous: [] };

        beforeAll(async () => ep.setup?.(cluster!, work, run));
        afterAll(async () => ep.teardown?.(cluster!, run));

        for (const b of blocks) {
          const title = `line ${b.at}: ${b.commands.map((c) => c.line.slice(2)).join('; ')}`;
          if (b.skip) {
            it.skip(`${title} (not run: ${b.skip})`, () => undefined);
            continue;
          }
          it(title, async () => {
            for (const c of b.commands) await runOne(c);
          });
        }

        async function runOne(c: EpisodeCommand): Promise<void> {
          for (const [key, hook] of Object.entries(ep.before ?? {}))
            if (c.line.includes(key)) await hook(cluster!, work, run.previous, run, c);
          const cd = /^cd (\S+)$/.exec(c.shell ?? '');
          const instead = Object.entries(ep.instead ?? {}).find(([key]) => c.line.includes(key))?.[1];
          const r = cd
            ? ((run.cwd = join(run.cwd, cd[1]!)), { code: 0, out: '', err: '', json: undefined })
            : instead
              ? await instead(c, run)
              : c.shell
                ? shell(substitute(c.shell, run.words), run.cwd, env)
                : await runCli(
                    c.argv.map((w) => substitute(w, run.words)),
                    { cwd: run.cwd, env },
                  );
          run.previous.push(r);
          const output = substitute(r.out + r.err, run.seen);
          // KCOPS_EPISODE_SHOW=1: every command's real output, to paste into a page that has drifted.
          if (process.env.KCOPS_EPISODE_SHOW) process.stderr.write(`${c.line}\n${output}\n$ echo $?\n${r.code}\n\n`);
          const shown = `${ep.file}: ${c.line}\n--- page\n${c.expected.join('\n')}\n--- run (exit ${r.code})\n${output}`;
          expect(r.code, shown).toBe(c.exitCode ?? 0);
          if (c.expected.length)
            expect(
              matchesPage(c.expected, output),
              `${shown}\n--- normalised run\n${normalise(output).join('\n')}`,
            ).toBe(true);
        }
      });
    }
  });
}
