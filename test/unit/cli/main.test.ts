import { describe, expect, it } from 'vitest';
import { version } from '../../../src/cli/main.js';
import { runCli } from '../../support/run-cli.js';

const cli = (argv: string[], env: NodeJS.ProcessEnv = {}) => runCli(argv, { env });

describe('the CLI shell', () => {
  it('prints help with examples and exits 0', async () => {
    const r = await cli(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: kcops');
    expect(r.out).toContain('Examples:');
    expect(r.out).toContain('--output <format>');
  });

  it('prints the package version', async () => {
    const r = await cli(['--version']);
    expect(r.code).toBe(0);
    expect(r.out.trim()).toBe(version());
  });

  it('gives every command help with examples', async () => {
    for (const path of [
      ['dev', 'up'],
      ['dev', 'down'],
      ['dev', 'status'],
      ['dev', 'logs'],
    ]) {
      const r = await cli([...path, '--help']);
      expect(r.code, path.join(' ')).toBe(0);
      expect(r.out, path.join(' ')).toMatch(/Examples:\n {2}\$ kcops /);
    }
  });

  it('exits 2 on an unknown command, with a hint and no stack trace', async () => {
    const r = await cli(['nope']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('[USAGE]');
    expect(r.err).toContain('Hint:');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toBe('');
  });

  it('renders usage errors as JSON with -o json', async () => {
    const r = await cli(['-o', 'json', 'dev', 'logs', '--lines', 'ten']);
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.err);
    expect(doc).toMatchObject({ formatVersion: 1, error: { code: 'USAGE' } });
    expect(doc.error.message).toContain('not an integer');
  });

  it('rejects an unknown output format', async () => {
    const r = await cli(['-o', 'xml', 'dev', 'status']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('xml');
  });

  it('renders user errors with their stable code and exit code', async () => {
    const r = await cli(['-o', 'json', 'dev', 'logs', 'kafka']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.err).error).toMatchObject({
      code: 'DEV_UNKNOWN_COMPONENT',
      hint: expect.stringContaining('worker-1'),
    });
  });

  it('reports an empty dev home as not running', async () => {
    const r = await cli(['-o', 'json', 'dev', 'status', '--home', '/nonexistent/kcops-home']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out)).toEqual({
      formatVersion: 1,
      running: false,
      home: '/nonexistent/kcops-home',
      components: [],
    });
  });
});
