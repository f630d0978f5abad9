import { ExitCode } from '../../errors.js';
import { doctorFailed, runDoctor } from '../../core/operate/doctor.js';
import { realProbes, schemaRegistryAccess } from './doctor-probes.js';
import type { CommandHandler } from '../command-spec.js';
import { table } from '../render/output.js';
import { cloudDoctor } from './cloud-doctor.js';
import { clusterFor, opsTarget } from './ops-context.js';

export const doctor: CommandHandler = async (ctx, _args, o) => {
  const t = opsTarget(ctx);
  if (t.clusterType === 'confluent-cloud') return cloudDoctor(ctx, t);
  const cluster = t.clusterType === 'self-managed' ? clusterFor(t) : undefined;
  try {
    const checks = await runDoctor(
      {
        connect: t.connect,
        ...(t.kafka ? { kafka: t.kafka } : {}),
        ...(t.schemaRegistry ? { schemaRegistry: schemaRegistryAccess(t) } : {}),
        ...(t.observability.expect ? { expect: t.observability.expect } : {}),
        ...(cluster ? { cluster } : {}),
        connectors: o.connectors !== false,
      },
      realProbes(Number(o.timeout ?? 5000)),
    );
    const failed = doctorFailed(checks);
    return {
      data: { env: t.env, ok: !failed, checks },
      human: (st) => {
        const mark = {
          pass: st.green('PASS'),
          fail: st.red(st.bold('FAIL')),
          warn: st.yellow('WARN'),
          skip: st.dim('SKIP'),
        };
        const rows = checks.map((c) => [mark[c.status], c.id, c.target, c.detail]);
        const hints = checks
          .filter((c) => c.hint && c.status !== 'pass')
          .map((c) => `${st.cyan('Hint')} ${c.id} ${c.target}: ${c.hint}`);
        const n = checks.filter((c) => c.status === 'fail').length;
        return [
          table(['', 'CHECK', 'TARGET', 'DETAIL'], rows),
          ...(hints.length ? ['', ...hints] : []),
          '',
          failed ? st.red(`${n} check(s) failed in '${t.env}'.`) : st.green(`All checks passed in '${t.env}'.`),
        ].join('\n');
      },
      exitCode: failed ? ExitCode.Error : ExitCode.Ok,
    };
  } finally {
    await cluster?.close();
  }
};
