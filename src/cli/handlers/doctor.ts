import { lookup } from 'node:dns/promises';
import { connect } from 'node:net';
import { Admin } from '@platformatic/kafka';
import { ExitCode } from '../../errors.js';
import { httpJson } from '../../connect/http.js';
import { doctorFailed, runDoctor, type Probes } from '../../core/operate/doctor.js';
import type { CommandHandler } from '../command-spec.js';
import { table } from '../render/output.js';
import { cloudDoctor } from './cloud-doctor.js';
import { clusterFor, opsTarget } from './ops-context.js';

export function realProbes(timeoutMs: number): Probes {
  return {
    async resolve(host) {
      const r = await lookup(host, { all: true });
      return r.map((a) => a.address);
    },
    tcp: (host, port) =>
      new Promise((resolve, reject) => {
        const s = connect({ host, port });
        const t = setTimeout(() => (s.destroy(), reject(new Error(`no answer within ${timeoutMs} ms`))), timeoutMs);
        s.once('connect', () => (clearTimeout(t), s.end(), resolve()));
        s.once(
          'error',
          (e: NodeJS.ErrnoException) => (
            clearTimeout(t),
            reject(new Error(e.code === 'ECONNREFUSED' ? 'connection refused' : e.message))
          ),
        );
      }),
    async http(url, auth) {
      const r = await httpJson(url, { ...(auth ? { auth } : {}), timeoutMs });
      const date = r.headers.get('date');
      return { status: r.status, body: r.body, ...(date ? { date } : {}) };
    },
    async sasl(k) {
      const admin = new Admin({
        clientId: 'kcops-doctor',
        bootstrapBrokers: [k.bootstrap],
        sasl: { mechanism: k.mechanism, username: k.username, password: k.password },
        retries: 0,
        connectTimeout: timeoutMs,
        timeout: timeoutMs,
      });
      try {
        await admin.metadata({ topics: [] });
      } finally {
        await admin.close().catch(() => undefined);
      }
    },
    now: () => Date.now(),
  };
}

export const doctor: CommandHandler = async (ctx, _args, o) => {
  const t = opsTarget(ctx);
  if (t.clusterType === 'confluent-cloud') return cloudDoctor(ctx, t);
  const cluster = t.clusterType === 'self-managed' ? clusterFor(t) : undefined;
  try {
    const checks = await runDoctor(
      {
        connect: t.connect,
        ...(t.kafka ? { kafka: t.kafka } : {}),
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
