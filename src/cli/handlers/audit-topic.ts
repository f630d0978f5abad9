import { CloudKafkaRest } from '../../connect/confluent-cloud/kafka-rest.js';
import type { AuditMirror, AuditPublisher } from '../../core/audit/mirror.js';
import { auditTopicOf, type AuditTopicTarget } from '../../core/audit/topic-target.js';
import type { OpsTarget } from '../../core/observe/target.js';
import type { Project } from '../../core/project/schema.js';
import type { CliContext } from '../context.js';

/** The environment's audit topic as the second audit sink, when kcops.yaml gives one (`environments.<env>.audit`). */
export function auditMirrorOf(
  project: Project | undefined,
  env: string,
  processEnv: NodeJS.ProcessEnv,
): AuditMirror | undefined {
  const t = project && auditTopicOf(project, env, processEnv);
  return t ? { required: t.required, publisher: publisherFor(t) } : undefined;
}

/** Day-2 commands: the kcops.yaml the target came from (none for the local stack outside a repository). */
export function opsAuditMirror(ctx: CliContext, t: OpsTarget): AuditMirror | undefined {
  if (!t.projectRoot) return undefined;
  return auditMirrorOf(t.project, t.env, ctx.env);
}

/** Brokers for self-managed clusters, Kafka REST for Confluent Cloud; credentials are resolved when publishing. */
function publisherFor(t: AuditTopicTarget): AuditPublisher {
  const a = t.access;
  if (a.type === 'kafka') {
    return {
      target: `topic ${t.topic} on ${a.bootstrapServers.join(',')}`,
      // Loaded only when publishing: the Kafka client costs ~0.5 s of start-up that every day-2 command would pay.
      publish: async (messages) =>
        (await import('../../kafka/produce.js')).produceRecords(
          {
            bootstrapServers: a.bootstrapServers,
            topic: t.topic,
            ...(a.sasl
              ? { sasl: { mechanism: a.sasl.mechanism, username: a.sasl.username, password: a.sasl.password() } }
              : {}),
          },
          messages,
        ),
    };
  }
  return {
    target: `topic ${t.topic} on ${a.kafkaClusterId} (Kafka REST at ${a.restEndpoint})`,
    publish: async (messages) =>
      new CloudKafkaRest({
        restEndpoint: a.restEndpoint,
        kafkaClusterId: a.kafkaClusterId,
        apiKey: a.apiKey(),
        apiSecret: a.apiSecret(),
        credentialRef: a.credentialRef,
      }).produce(t.topic, messages),
  };
}
