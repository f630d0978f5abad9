import { describe, expect, it } from 'vitest';
import { errorView, renderError, renderResult, table } from '../../../../src/cli/render/output.js';
import { renderApply, renderPlan } from '../../../../src/cli/render/plan.js';
import { makeStyle } from '../../../../src/cli/render/style.js';
import { escapeControl, sanitizeTerminal } from '../../../../src/cli/render/terminal.js';
import type { Plan } from '../../../../src/core/plan/types.js';
import { UserError } from '../../../../src/errors.js';

// eslint-disable-next-line no-control-regex -- what must never reach a terminal from data
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE = 'a\u001b[2J\u001b[H\rb\u202eexe.txt\u2066x\u2069\u0007\u009b31m';

describe('control characters in human output', () => {
  it('escapeControl makes every control, C1 and bidi character visible', () => {
    const out = escapeControl(`${HOSTILE}\nnext`);
    expect(out).not.toMatch(RAW);
    expect(out).not.toContain('\n');
    expect(out).toBe('a\\e[2J\\e[H\\rb\\u202eexe.txt\\u2066x\\u2069\\x07\\x9b31m\\nnext');
  });

  it("sanitizeTerminal keeps line breaks and kcops's own colours, nothing else", () => {
    const st = makeStyle(true);
    const text = `${st.red('x')}\n${HOSTILE}\u001b[8mhidden`;
    const out = sanitizeTerminal(text);
    expect(out.startsWith(st.red('x') + '\n')).toBe(true);
    expect(out.slice(st.red('x').length)).not.toMatch(RAW);
    expect(out).toContain('\\e[8mhidden');
  });

  it('a plan cannot add, hide or reorder what it shows for approval', () => {
    const plan: Plan = {
      formatVersion: 1,
      env: 'prod',
      fingerprint: 'x',
      changes: [
        {
          connector: 'payments-a\n- payments-b (delete)',
          action: 'create',
          fields: [{ key: `topics${HOSTILE}`, before: null, after: `t\u001b[1A\u001b[2K${HOSTILE}`, sensitive: false }],
        },
      ],
      unmanaged: ['x\u202e'],
      notInGit: ['y\n'],
    };
    for (const colour of [false, true]) {
      const st = makeStyle(colour);
      const out = renderResult({ data: {}, human: (s) => renderPlan(plan, s) }, 'human', st);
      // eslint-disable-next-line no-control-regex -- colour codes are kcops's own; the rest must be gone
      expect(out.replace(/\u001b\[\d+m/g, '')).not.toMatch(RAW);
      expect(out.split('\n').filter((l) => l.includes('payments-b'))).toHaveLength(1);
      expect(out).toContain('payments-a\\n- payments-b (delete)');
    }
    const applied = renderApply(
      {
        status: 'applied',
        conflicts: [],
        outcomes: [
          { connector: 'c\u001b[2J', action: 'create', result: 'failed', error: `e${HOSTILE}`, trace: 'l1\u202e\nl2' },
        ],
      } as never,
      makeStyle(false),
    );
    expect(applied).not.toMatch(RAW);
  });

  it('errors are escaped and redacted on their way out', () => {
    const view = errorView(
      new UserError('X', `cannot reach http://admin:CANARY@h:8083 ${HOSTILE}`, { hint: 'password=CANARY' }),
      false,
    );
    for (const format of ['human', 'json'] as const) {
      const out = renderError(view, format, makeStyle(false));
      expect(out).not.toContain('CANARY');
      if (format === 'human') expect(out).not.toMatch(RAW);
    }
  });

  it('a connector name with a line break or tab stays one row of a table (connect list and every other table)', () => {
    const st = makeStyle(true);
    const out = table(
      ['NAME', 'STATE'],
      [
        ['payments-a\npayments-fake  RUNNING', st.green('RUNNING')],
        ['payments-b\t\u202e', st.red('FAILED')],
      ],
    );
    const lines = out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('payments-a\\npayments-fake');
    expect(lines[2]).toContain('payments-b\\t\\u202e');
    // kcops's own colours survive
    expect(out).toContain(st.green('RUNNING'));
  });
});
