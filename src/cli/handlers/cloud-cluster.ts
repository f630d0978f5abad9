import { ConfluentCloudCluster } from '../../connect/confluent-cloud/client.js';
import type { OpsTarget } from '../../core/observe/target.js';
import type { Reporter } from '../../core/reporter.js';
import { UserError } from '../../errors.js';

/** The Confluent Cloud backend for an environment of `cluster.type: confluent-cloud` in kcops.yaml. */
export function cloudCluster(t: OpsTarget, reporter: Reporter): ConfluentCloudCluster {
  const c = t.cloud;
  if (!c?.apiKey || !c.apiSecret) {
    throw new UserError(
      'CCLOUD_NO_CREDENTIALS',
      `Environment '${t.env}' is on Confluent Cloud but declares no Cloud API key.`,
      {
        hint: "Add cluster.credentials { apiKey: '${kcops-env:CCLOUD_API_KEY}', apiSecret: '${kcops-env:CCLOUD_API_SECRET}' } to the environment in kcops.yaml (a Cloud API key, not a Kafka cluster key).",
        exitCode: 2,
      },
    );
  }
  return new ConfluentCloudCluster({
    apiEndpoint: c.apiEndpoint,
    environmentId: c.environmentId,
    kafkaClusterId: c.kafkaClusterId,
    apiKey: c.apiKey,
    apiSecret: c.apiSecret,
    ...(c.credentialRef ? { credentialRef: c.credentialRef } : {}),
    provisioning: { timeoutMs: 10 * 60_000, pollMs: 2_000 },
    resolveValue: c.resolveValue,
    reporter,
  });
}
