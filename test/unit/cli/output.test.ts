import { describe, expect, it } from 'vitest';
import { errorView, loadYaml, renderError, renderResult, table } from '../../../src/cli/render/output.js';
import { makeStyle, colorWanted } from '../../../src/cli/render/style.js';
import { InternalError, UserError } from '../../../src/errors.js';

const plain = makeStyle(false);

describe('output rendering', () => {
  it('adds formatVersion to json and yaml', async () => {
    const result = { data: { a: 1 }, human: () => 'a is 1' };
    expect(JSON.parse(renderResult(result, 'json', plain))).toEqual({ formatVersion: 1, a: 1 });
    expect(renderResult(result, 'yaml', plain, await loadYaml())).toBe('formatVersion: 1\na: 1\n');
    expect(renderResult(result, 'human', plain)).toBe('a is 1\n');
  });

  it('shows user errors without a stack, internal errors with one only under --debug', () => {
    const u = errorView(new UserError('X_CODE', 'went wrong', { hint: 'do this' }), false);
    expect(u).toEqual({ code: 'X_CODE', message: 'went wrong', hint: 'do this' });
    const bug = new InternalError('boom');
    expect(errorView(bug, false).stack).toBeUndefined();
    expect(errorView(bug, true).stack).toContain('boom');
    expect(errorView(bug, false).code).toBe('INTERNAL');
    expect(renderError(u, 'human', plain)).toBe('Error [X_CODE] went wrong\nHint: do this\n');
    expect(JSON.parse(renderError(u, 'json', plain))).toEqual({ formatVersion: 1, error: u });
  });

  it('aligns tables, ignoring colour codes', () => {
    const color = makeStyle(true);
    const ansi = new RegExp(String.fromCharCode(27) + '\\[[0-9;]*m', 'g');
    expect(
      table(
        ['A', 'BB'],
        [
          [color.red('x'), 'y'],
          ['long', 'z'],
        ],
      )
        .split('\n')
        .map((l) => l.replace(ansi, '')),
    ).toEqual(['A     BB', 'x     y', 'long  z']);
  });

  it('honours --no-color, NO_COLOR and non-TTY streams', () => {
    expect(colorWanted(true, {}, true)).toBe(true);
    expect(colorWanted(false, {}, true)).toBe(false);
    expect(colorWanted(true, { NO_COLOR: '1' }, true)).toBe(false);
    expect(colorWanted(true, {}, false)).toBe(false);
  });
});
