import { Option } from 'commander';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ArgsFor, OptionsFor } from '../../../src/cli/command-spec.js';
import { commands } from '../../../src/cli/commands/index.js';
import type {
  connectLogsCommand,
  connectMetricsCommand,
  connectRestartCommand,
} from '../../../src/cli/commands/connect.js';
import type { connectClusterDeleteCommand } from '../../../src/cli/commands/connect.js';
import type { applyCommand } from '../../../src/cli/commands/gitops.js';
import type { validateCommand } from '../../../src/cli/commands/validate.js';

// The option types of a handler are read from its declaration's flags (src/cli/command-spec.ts). These assertions are
// checked by `npm run typecheck`: a wrong inference fails the build, not only this file.
describe('typed commands', () => {
  it('reads value, integer, default, --no- and variadic flags', () => {
    type Logs = OptionsFor<typeof connectLogsCommand>;
    expectTypeOf<Logs['lines']>().toEqualTypeOf<number>(); // integer with a default: always a number
    expectTypeOf<Logs['task']>().toEqualTypeOf<number | undefined>(); // integer, no default
    expectTypeOf<Logs['since']>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Logs['follow']>().toEqualTypeOf<boolean>(); // -f, --follow with default false
    expectTypeOf<Logs['workerEvents']>().toEqualTypeOf<boolean>(); // kebab-case → camelCase
    expectTypeOf<OptionsFor<typeof connectMetricsCommand>['lag']>().toEqualTypeOf<boolean>(); // --no-lag
    expectTypeOf<OptionsFor<typeof applyCommand>['approveDelete']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf<OptionsFor<typeof validateCommand>['terraform']>().toEqualTypeOf<string | true | undefined>();
  });

  it('reads required, optional and variadic arguments', () => {
    expectTypeOf<ArgsFor<typeof connectLogsCommand>>().toEqualTypeOf<readonly [string]>();
    expectTypeOf<ArgsFor<typeof connectRestartCommand>>().toEqualTypeOf<readonly [string | undefined]>();
    expectTypeOf<ArgsFor<typeof connectClusterDeleteCommand>>().toEqualTypeOf<readonly [string[]]>();
  });

  it('derives the same property names as commander, for every declared option', () => {
    // The type-level Key<> mirrors commander's attributeName(); this checks the rule on every real flag at run time.
    const camel = (s: string) => s.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    for (const c of commands)
      for (const o of c.options ?? []) {
        const long = /--([a-z0-9-]+)/.exec(o.flags)?.[1] ?? '';
        const expected = camel(long.startsWith('no-') ? long.slice(3) : long);
        expect(new Option(o.flags).attributeName(), `${c.path.join(' ')} ${o.flags}`).toBe(expected);
      }
  });
});
