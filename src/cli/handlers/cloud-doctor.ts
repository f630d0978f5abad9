import { CloudKafkaRest } from '../../connect/confluent-cloud/kafka-rest.js';
import { CloudLogsClient, logsEndpoints } from '../../connect/confluent-cloud/logs.js';
import type { OpsTarget } from '../../core/observe/target.js';
import { runCloudDoctor } from '../../core/operate/cloud-doctor.js';
import { checkSchemaRegistry } from '../../core/operate/schema-registry-check.js';
import type { CliContext, CommandResult } from '../context.js';
import { checksResult } from '../render/checks.js';
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
  return checksResult(t.env, checks);
}
