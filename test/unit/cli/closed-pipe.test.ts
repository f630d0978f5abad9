import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { endQuietlyWhenClosed } from '../../../src/cli/closed-pipe.js';

const bin = fileURLToPath(new URL('../../../bin/kcops.js', import.meta.url));

/** Runs bin/kcops.js with its stdout read end closed before it writes anything: `kcops ... | head -0`. */
async function runWithClosedStdout(argv: string[]): Promise<{ code: number | null; err: string }> {
  const child = spawn(process.execPath, [bin, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, err };
}

describe('a stdout whose reader went away (issue 19 §5)', () => {
  it('calls its end instead of crashing on EPIPE', () => {
    const child = spawn('true', { stdio: ['pipe', 'ignore', 'ignore'] });
    let ended = 0;
    endQuietlyWhenClosed(child.stdin, () => ended++);
    child.stdin.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    expect(ended).toBe(1);
  });

  it('still fails loudly on other stream errors', () => {
    const child = spawn('true', { stdio: ['pipe', 'ignore', 'ignore'] });
    endQuietlyWhenClosed(child.stdin, () => undefined);
    const eio = Object.assign(new Error('i/o error'), { code: 'EIO' });
    expect(() => child.stdin.emit('error', eio)).toThrow('i/o error');
  });

  it('kcops --help into a closed pipe: no stack trace, exit 0', async () => {
    const r = await runWithClosedStdout(['--help']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('a command result into a closed pipe: no stack trace, exit 0', async () => {
    const example = fileURLToPath(new URL('../../../examples/kafka-connect-configs', import.meta.url));
    const r = await runWithClosedStdout(['validate', '--offline', '-o', 'json', example]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  }, 60_000);
});
