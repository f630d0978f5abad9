import { PassThrough } from 'node:stream';
import { run } from '../../src/cli/main.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON documents of many commands, checked field by field in each test
  json: any;
}

/**
 * The real CLI entry point, in-process: argv in, exit code and both streams out (and stdout parsed when it is JSON).
 * Colour is off unless the caller's env says otherwise.
 */
export async function runCli(argv: string[], o: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  const code = await run({
    argv,
    stdout,
    stderr,
    ...(o.cwd ? { cwd: o.cwd } : {}),
    env: { NO_COLOR: '1', ...o.env },
  });
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch {
    json = undefined;
  }
  return { code, out, err, json };
}
