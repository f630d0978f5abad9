import { writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { convertConnectorFile } from '../../core/convert/file.js';
import { usageError } from '../../errors.js';
import type { CommandHandler } from '../command-spec.js';

export const convert: CommandHandler = async (ctx, args, o) => {
  const to = o.to as string | undefined;
  if (to !== 'managed' && to !== 'self-managed') {
    throw usageError('USAGE', '`kcops convert` needs --to managed or --to self-managed.', 'e.g. kcops convert connectors/dev/payments-orders-cdc.json --to managed');
  }
  const abs = (p: string) => (isAbsolute(p) ? p : join(ctx.cwd, p));
  const r = convertConnectorFile(abs(args[0] as string), to);
  const text = JSON.stringify(r.document, null, 2) + '\n';
  const write = o.write as string | undefined;
  if (write) writeFileSync(abs(write), text);
  if (ctx.globals.output === 'human') for (const w of r.warnings) ctx.reporter.warn(`${w.key}: ${w.message}`);
  const data = { file: args[0], from: r.from, to: r.to, plugin: r.plugin, written: write ?? null, connector: r.document, warnings: r.warnings };
  return {
    data,
    human: (st) =>
      write
        ? `${st.green('wrote')} ${write} (${r.from} → ${r.to}, ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'})`
        : text.trimEnd(),
  };
};
