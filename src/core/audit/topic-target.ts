import { environmentOf } from '../project/environments.js';
import type { Project } from '../project/schema.js';
import { resolveLocally } from '../secrets/resolve.js';

/**
 * Where an environment's audit topic is and how to reach it, from kcops.yaml (`environments.<env>.audit` with the
 * environment's `kafka` access; the schema refuses an audit topic without usable access). Secrets are resolved only
 * when a record is published, so a reference that cannot be resolved goes through the same failure policy as a broker
 * that cannot be reached, instead of stopping a command before it has done anything.
 */
export interface AuditTopicTarget {
  env: string;
  topic: string;
  required: boolean;
  access: AuditTopicAccess;
}

export type AuditTopicAccess =
  | {
      /** Self-managed: the brokers, over SASL when kcops.yaml gives it. */
      type: 'kafka';
      bootstrapServers: string[];
      sasl?: {
        mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
        username: string;
        password: () => string;
      };
    }
  | {
      /** Confluent Cloud: Kafka REST v3 on the cluster's endpoint, with the Kafka cluster API key. */
      type: 'rest';
      restEndpoint: string;
      kafkaClusterId: string;
      apiKey: () => string;
      apiSecret: () => string;
      /** The reference of the secret, for hints. */
      credentialRef: string;
    };

export function auditTopicOf(
  project: Project,
  env: string,
  processEnv: NodeJS.ProcessEnv,
): AuditTopicTarget | undefined {
  const e = environmentOf(project, env);
  if (!e?.audit || !e.kafka) return undefined;
  const secret = (ref: string) => () => resolveLocally(ref, project.secretProviders, processEnv);
  const base = { env, topic: e.audit.topic, required: e.audit.required };
  const k = e.kafka;
  if ('bootstrapServers' in k) {
    if (e.cluster.type !== 'self-managed') return undefined;
    return {
      ...base,
      access: {
        type: 'kafka',
        bootstrapServers: k.bootstrapServers,
        ...(k.sasl
          ? { sasl: { mechanism: k.sasl.mechanism, username: k.sasl.username, password: secret(k.sasl.password) } }
          : {}),
      },
    };
  }
  if (e.cluster.type !== 'confluent-cloud' || !k.credentials) return undefined;
  return {
    ...base,
    access: {
      type: 'rest',
      restEndpoint: k.restEndpoint,
      kafkaClusterId: e.cluster.kafkaClusterId,
      apiKey: secret(k.credentials.apiKey),
      apiSecret: secret(k.credentials.apiSecret),
      credentialRef: k.credentials.apiSecret,
    },
  };
}
