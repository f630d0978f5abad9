import { ExitCode } from '../../errors.js';
import { doctorFailed, type Check } from '../../core/operate/doctor.js';
import type { CommandResult, Style } from '../context.js';
import { table } from './output.js';

/** `kcops doctor`'s answer, the same on self-managed and Confluent Cloud: a pass/fail table, a hint per failure. */
export function checksResult(env: string, checks: Check[]): CommandResult {
  const failed = doctorFailed(checks);
  return {
    data: { env, ok: !failed, checks },
    human: (st: Style) => {
      const mark = {
        pass: st.green('PASS'),
        fail: st.red(st.bold('FAIL')),
        warn: st.yellow('WARN'),
        skip: st.dim('SKIP'),
      };
      const hints = checks
        .filter((c) => c.hint && c.status !== 'pass')
        .map((c) => `${st.cyan('Hint')} ${c.id} ${c.target}: ${c.hint}`);
      const n = checks.filter((c) => c.status === 'fail').length;
      return [
        table(
          ['', 'CHECK', 'TARGET', 'DETAIL'],
          checks.map((c) => [mark[c.status], c.id, c.target, c.detail]),
        ),
        ...(hints.length ? ['', ...hints] : []),
        '',
        failed ? st.red(`${n} check(s) failed in '${env}'.`) : st.green(`All checks passed in '${env}'.`),
      ].join('\n');
    },
    exitCode: failed ? ExitCode.Error : ExitCode.Ok,
  };
}
