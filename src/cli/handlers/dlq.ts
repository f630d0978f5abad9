import { readDlq } from '../../core/operate/dlq.js';
import type { CommandHandler } from '../command-spec.js';
import type { connectDlqCommand } from '../commands/connect.js';
import { table } from '../render/output.js';
import { withEnvironment } from './environment.js';
import { nameArg } from './ops-context.js';

export const dlq: CommandHandler<typeof connectDlqCommand> = (ctx, args, o) =>
  withEnvironment(ctx, async (b) => {
    const limit = typeof o.limit === 'number' ? o.limit : 10;
    const r = await readDlq(b.connect, b.kafka, nameArg(args[0]), limit);
    return {
      data: r,
      human: (st) => {
        const out = [
          `${st.bold(r.connector)}  DLQ ${r.topic}  ${r.count === 0 ? st.green('empty') : st.red(`${r.count} records`)}`,
        ];
        if (!r.contextHeaders)
          out.push(
            st.yellow('errors.deadletterqueue.context.headers.enable is not true: records carry no error context.'),
          );
        if (Object.keys(r.byException).length) {
          out.push(
            '',
            table(
              ['EXCEPTION', 'RECORDS'],
              Object.entries(r.byException).map(([k, v]) => [k, String(v)]),
            ),
          );
        }
        for (const x of r.records) {
          out.push('', st.bold(`#${x.partition}:${x.offset}`) + st.dim(`  ${x.timestamp}`));
          out.push(`  key    ${x.key ?? st.dim('(null)')}`);
          out.push(`  value  ${x.value ?? st.dim('(null)')}`);
          const e = x.errors;
          if (e['topic'] !== undefined)
            out.push(`  from   ${e['topic']}[${e['partition'] ?? '?'}]@${e['offset'] ?? '?'}`);
          if (e['stage']) out.push(`  stage  ${e['stage']}${e['class.name'] ? ` (${e['class.name']})` : ''}`);
          if (e['exception.class.name'])
            out.push(`  error  ${st.red(e['exception.class.name'])}: ${e['exception.message'] ?? ''}`);
        }
        if (r.count > r.records.length) out.push('', st.dim(`… ${r.count - r.records.length} more (--limit)`));
        return out.join('\n');
      },
    };
  });
