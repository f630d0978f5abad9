// connect offsets get, alter, reset (KIP-875).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError, usageError, ExitCode } from '../../errors.js';
import { parseOffsets } from '../../core/operate/connectors.js';
import { alterOffsets, readOffsets, resetOffsets } from '../../core/operations/offsets.js';
import type {
  connectOffsetsAlterCommand,
  connectOffsetsGetCommand,
  connectOffsetsResetCommand,
} from '../commands/connect.js';
import { table } from '../render/output.js';
import { nameArg } from './ops-context.js';
import { onEnvironment } from './environment.js';

export const offsetsGet = onEnvironment<typeof connectOffsetsGetCommand>(async (ctx, args, _o, env) => {
  const name = nameArg(args[0]);
  const offsets = await readOffsets(env, name);
  return {
    data: { connector: name, offsets },
    human: (st) =>
      offsets.length === 0
        ? `${name} has no committed offsets yet.`
        : table(
            ['PARTITION', 'OFFSET'],
            offsets.map((x) => [
              JSON.stringify(x.partition),
              x.offset === null ? st.dim('(none)') : JSON.stringify(x.offset),
            ]),
          ),
  };
});

export const offsetsAlter = onEnvironment<typeof connectOffsetsAlterCommand>(async (ctx, args, o, env) => {
  const name = nameArg(args[0]);
  if (o.offsetsFile === undefined)
    throw usageError(
      'USAGE',
      '--offsets-file is required.',
      `Start from \`kcops connect offsets get ${name} -o json > offsets.json\`.`,
    );
  let text: string;
  try {
    text = readFileSync(resolve(ctx.cwd, o.offsetsFile), 'utf8');
  } catch (e) {
    throw usageError('USAGE', `Cannot read ${o.offsetsFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`);
  }
  const offsets = parseOffsets(text, o.offsetsFile);
  const now = await alterOffsets(env, name, offsets);
  return {
    data: { connector: name, altered: offsets.length, offsets: now },
    human: (st) =>
      `${st.green('✔')} ${name}: ${offsets.length} offset(s) altered. Start it again with \`kcops connect resume ${name}\`.`,
  };
});

export const offsetsReset = onEnvironment<typeof connectOffsetsResetCommand>(async (ctx, args, o, env) => {
  const name = nameArg(args[0]);
  if (!o.approve)
    throw new UserError(
      'APPROVAL_REQUIRED',
      `Resetting the offsets of ${name} needs --approve: it will re-read from the beginning.`,
      { exitCode: ExitCode.Usage },
    );
  await resetOffsets(env, name);
  return {
    data: { connector: name, reset: true },
    human: (st) => `${st.green('✔')} ${name}: offsets reset. Start it again with \`kcops connect resume ${name}\`.`,
  };
});
