import { CloudKafkaRest } from '../../connect/confluent-cloud/kafka-rest.js';
import { CloudLogsClient, logsEndpoints } from '../../connect/confluent-cloud/logs.js';
import type { OpsTarget } from '../../core/observe/target.js';
import { runCloudDoctor } from '../../core/operate/cloud-doctor.js';
import { doctorFailed } from '../../core/operate/doctor.js';
import { checkSchemaRegistry } from '../../core/operate/schema-registry-check.js';
import { ExitCode } from '../../errors.js';
import type { CliContext, CommandResult } from '../context.js';
import { table } from '../render/output.js';
import { cloudCluster } from './cloud-cluster.js';
import { realProbes, schemaRegistryAccess } from './doctor-probes.js';

/** `kcops doctor` on a confluent-cloud environment: the API, the connectors' states, Kafka REST and logs access. */
export async function cloudDoctor(ctx: CliContext, t: OpsTarget): Promise<CommandResult> {
  const cluster = cloudCluster(t, ctx.reporter);
  const c = t.cloud!;
  const checks = await runCloudDoctor({
    cluster,
    ...(c.kafkaRest ? { kafkaRest: new CloudKafkaRest({ ...c.kafkaRest, kafkaClusterId: c.kafkaClusterId }) } : {}),
    logs: new CloudLogsClient({ ...logsEndpoints(c.apiEndpoint), apiKey: c.apiKey!, apiSecret: c.apiSecret! }),
  });
  await checkSchemaRegistry(checks, realProbes(5000), schemaRegistryAccess(t));
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
      const hints = checks
        .filter((x) => x.hint && x.status !== 'pass')
        .map((x) => `${st.cyan('Hint')} ${x.id} ${x.target}: ${x.hint}`);
      const n = checks.filter((x) => x.status === 'fail').length;
      return [
        table(
          ['', 'CHECK', 'TARGET', 'DETAIL'],
          checks.map((x) => [mark[x.status], x.id, x.target, x.detail]),
        ),
        ...(hints.length ? ['', ...hints] : []),
        '',
        failed ? st.red(`${n} check(s) failed in '${t.env}'.`) : st.green(`All checks passed in '${t.env}'.`),
      ].join('\n');
    },
    exitCode: failed ? ExitCode.Error : ExitCode.Ok,
  };
}
