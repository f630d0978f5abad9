import {
  openCloudConnect,
  openCloudLogs,
  openCloudMetrics,
  openKafkaRest,
} from '../../../connect/confluent-cloud/backend.js';
import { InternalError, UserError } from '../../../errors.js';
import { ConfluentCloudLogSource } from '../../observe/cloud-log-source.js';
import { cloudConnectorMetrics } from '../../observe/cloud-metrics.js';
import type { CloudTarget, OpsTarget } from '../../observe/target.js';
import { silentReporter, type Reporter } from '../../reporter.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, lazyClient, type BackendProvider } from '../backend.js';
import { schemaRegistryAccess } from '../schema-registry.js';

/**
 * Confluent Cloud: the Connect v1 API with a Cloud API key, its logs and Metrics APIs with the same key, Kafka REST
 * with the cluster key when kcops.yaml gives `kafka.restEndpoint`.
 */
export const confluentCloud: BackendProvider = {
  open(t, o) {
    const c = cloudOf(t);
    const client = lazyClient(() => openCloudConnect(connectOptions(t, c, o.reporter ?? silentReporter)));
    const key = c.apiKey && c.apiSecret ? { apiKey: c.apiKey, apiSecret: c.apiSecret } : undefined;
    const kafkaRest = c.kafkaRest
      ? lazyClient(() => {
          const rest = openKafkaRest({ ...c.kafkaRest!, kafkaClusterId: c.kafkaClusterId });
          return { rest, close: async () => rest.close() };
        })
      : undefined;
    const logsClient = () => openCloudLogs({ apiEndpoint: c.apiEndpoint, apiKey: c.apiKey!, apiSecret: c.apiSecret! });
    return {
      connect: client.get,
      ...(kafkaRest
        ? {
            kafkaMetadata: {
              // Said as the cluster, as validate has always said it ("Confluent Cloud env-…/lkc-… is unreachable").
              where: `Confluent Cloud ${c.environmentId}/${c.kafkaClusterId}`,
              topics: () => kafkaRest.get().rest.topics(),
              aclsFor: (principal: string) => kafkaRest.get().rest.acls(principal),
              close: kafkaRest.close,
            },
          }
        : {}),
      iam: {
        serviceAccountExists: (id) => client.get().serviceAccountExists(id),
        connectorRoles: (principal, connector) => client.get().connectorRoles(principal, connector),
        roleBindings: {
          bindings: (principal) => client.get().principalRoleBindings(principal),
          scope: () => client.get().scope(),
          environmentId: c.environmentId,
          kafkaClusterId: c.kafkaClusterId,
        },
      },
      ...(key ? { defaultLogs: () => new ConfluentCloudLogSource(client.get(), logsClient()) } : {}),
      metrics: {
        connectorMetrics: (name, type) =>
          cloudConnectorMetrics(
            client.get(),
            openCloudMetrics({ apiEndpoint: c.apiEndpoint, apiKey: c.apiKey ?? '', apiSecret: c.apiSecret ?? '' }),
            name,
            type,
          ),
      },
      async probes(p) {
        const [{ runCloudDoctor }, { checkSchemaRegistry }] = await Promise.all([
          import('../../operate/cloud-doctor.js'),
          import('../../operate/schema-registry-check.js'),
        ]);
        const checks = await runCloudDoctor({
          cluster: client.get(),
          ...(kafkaRest ? { kafkaRest: kafkaRest.get().rest } : {}),
          logs: logsClient(),
        });
        await checkSchemaRegistry(checks, p, schemaRegistryAccess(t));
        return checks;
      },
      access: {
        inventory: async () =>
          (await import('./confluent-cloud-access.js')).cloudInventory(client.get(), kafkaRest?.get().rest, t.env),
      },
      close: async () => {
        await Promise.all([client.close(), kafkaRest?.close()]);
      },
    };
  },
};

function cloudOf(t: OpsTarget): CloudTarget {
  if (!t.cloud)
    throw new InternalError(`environment '${t.env}' is confluent-cloud but was resolved without its cloud section`);
  return t.cloud;
}

function connectOptions(t: OpsTarget, c: CloudTarget, reporter: Reporter) {
  if (!c.apiKey || !c.apiSecret) {
    throw new UserError(
      'CCLOUD_NO_CREDENTIALS',
      `Environment '${t.env}' is on Confluent Cloud but declares no Cloud API key.`,
      {
        hint: "Add cluster.credentials { apiKey: '${kcops-env:CCLOUD_API_KEY}', apiSecret: '${kcops-env:CCLOUD_API_SECRET}' } to the environment in kcops.yaml (a Cloud API key, not a Kafka cluster key).",
        exitCode: 2,
      },
    );
  }
  return {
    apiEndpoint: c.apiEndpoint,
    environmentId: c.environmentId,
    kafkaClusterId: c.kafkaClusterId,
    apiKey: c.apiKey,
    apiSecret: c.apiSecret,
    ...(c.credentialRef ? { credentialRef: c.credentialRef } : {}),
    provisioning: {
      ...(c.wait?.provisioningMs !== undefined ? { timeoutMs: c.wait.provisioningMs } : {}),
      ...(c.wait?.flapWindowMs !== undefined ? { flapWindowMs: c.wait.flapWindowMs } : {}),
      ...(c.wait?.updateWatchMs !== undefined ? { updateWatchMs: c.wait.updateWatchMs } : {}),
    },
    ...(c.wait?.offsetsMs !== undefined ? { offsetsPoll: { timeoutMs: c.wait.offsetsMs } } : {}),
    resolveValue: c.resolveValue,
    ...(c.keepsSecretOnMask ? { keepsSecretOnMask: true } : {}),
    reporter,
    timeoutMs: DEFAULT_CONNECT_TIMEOUT_MS,
  };
}
