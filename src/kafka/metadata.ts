import type { Admin } from '@platformatic/kafka';
import { describeAcls, kafkaAdmin, type DescribedAcl, type SaslAccess } from './admin.js';

/**
 * What kcops reads about a Kafka cluster's topics and ACLs (online validation), whichever way the cluster is reached:
 * the admin API with SASL (self-managed) or Kafka REST v3 (Confluent Cloud). Every method may fail; the caller decides
 * what a failure means.
 */
export interface KafkaMetadata {
  /** Where it is, for messages ("Kafka at broker:9092"). */
  readonly where: string;
  /** The topic names, internal topics left out. */
  topics(): Promise<Set<string>>;
  /** The ACLs naming `principal` ("User:sa-payments"). */
  aclsFor(principal: string): Promise<DescribedAcl[]>;
  close(): Promise<void>;
}

/** Topics and ACLs through the admin API, on one client made on first use. */
export function saslMetadata(k: SaslAccess): KafkaMetadata {
  let admin: Admin | undefined;
  const get = () => (admin ??= kafkaAdmin(k, 'kcops-validate'));
  return {
    where: `Kafka at ${k.bootstrap}`,
    topics: async () => new Set(await get().listTopics({ includeInternals: false })),
    aclsFor: (principal) => describeAcls(get(), principal),
    close: async () => {
      await admin?.close().catch(() => undefined);
    },
  };
}
