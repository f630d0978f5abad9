import { openSelfManagedConnect } from '../../../connect/self-managed/backend.js';
import type { KafkaMetadata } from '../../../kafka/metadata.js';
import type { SaslAccess } from '../../../kafka/admin.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, lazyClient, type BackendProvider } from '../backend.js';
import { schemaRegistryAccess } from '../schema-registry.js';

/** Self-managed Kafka Connect (and the local dev stack, which is one): the workers' REST API, SASL to Kafka. */
export const selfManaged: BackendProvider = {
  open(t) {
    const client = lazyClient(() =>
      openSelfManagedConnect({
        urls: t.connect.urls,
        ...(t.connect.auth ? { auth: t.connect.auth } : {}),
        ...(t.connect.credentialRef ? { credentialRef: t.connect.credentialRef } : {}),
        ...(t.connect.tls ? { tls: t.connect.tls } : {}),
        timeoutMs: t.connect.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      }),
    );
    const sr = schemaRegistryAccess(t);
    const kafkaMetadata = t.kafka ? lazySaslMetadata(t.kafka) : undefined;
    return {
      connect: client.get,
      ...(t.kafka ? { kafka: t.kafka } : {}),
      ...(kafkaMetadata ? { kafkaMetadata } : {}),
      // Doctor's checks load only for `kcops doctor` (start-up of the other commands stays small).
      probes: async (p, o) =>
        (await import('../../operate/doctor.js')).runDoctor(
          {
            connect: t.connect,
            ...(t.kafka ? { kafka: t.kafka } : {}),
            ...(sr ? { schemaRegistry: sr } : {}),
            ...(t.observability.expect ? { expect: t.observability.expect } : {}),
            cluster: client.get(),
            connectors: o.connectors,
          },
          p,
        ),
      access: {
        inventory: async () =>
          (await import('./self-managed-access.js')).selfManagedInventory(client.get(), t.kafka, t.env),
      },
      close: async () => {
        await Promise.all([client.close(), kafkaMetadata?.close()]);
      },
    };
  },
};

/**
 * The admin client's library loads only when a command reads topics or ACLs (online validate): every other command
 * opens this backend too, and its start-up stays within the benchmark's figures (bench/cli-startup.bench.js).
 */
function lazySaslMetadata(k: SaslAccess): KafkaMetadata {
  let m: Promise<KafkaMetadata> | undefined;
  const get = () => (m ??= import('../../../kafka/metadata.js').then((x) => x.saslMetadata(k)));
  return {
    where: `Kafka at ${k.bootstrap}`,
    topics: async () => (await get()).topics(),
    aclsFor: async (principal) => (await get()).aclsFor(principal),
    close: async () => {
      if (m) await (await m).close();
    },
  };
}
