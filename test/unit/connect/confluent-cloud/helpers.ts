import { ConfluentCloudCluster, type ConfluentCloudOptions } from '../../../../src/connect/confluent-cloud/client.js';
import { RecordingReporter } from '../../../../src/core/reporter.js';
import { startCheckedCloud } from '../../../fakes/confluent-cloud/checked.js';
import type { FakeCloudOptions } from '../../../fakes/confluent-cloud/server.js';

/** The backend against the contract-checked stand-in, with no real waiting (every sleep is recorded instead). */
export async function cloudSetup(fake: FakeCloudOptions = {}, client: Partial<ConfluentCloudOptions> = {}) {
  const { cloud, violations } = await startCheckedCloud(fake);
  const reporter = new RecordingReporter();
  const sleeps: number[] = [];
  const cluster = new ConfluentCloudCluster({
    apiEndpoint: cloud.url,
    environmentId: cloud.environmentId,
    kafkaClusterId: cloud.clusterId,
    apiKey: cloud.apiKey,
    apiSecret: cloud.apiSecret,
    credentialRef: '${env:CCLOUD_API_SECRET}',
    provisioning: { timeoutMs: 50_000, flapWindowMs: 10_000, updateWatchMs: 5_000 },
    offsetsPoll: { timeoutMs: 10_000, pollMs: 1_000, firstPollMs: 3_000 },
    serverRetry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
    reporter,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...client,
  });
  return { cloud, violations, cluster, reporter, sleeps };
}

/** A managed S3 sink as Git would declare it (secrets already resolved by kcops at apply time). */
export const S3_SINK: Record<string, string> = {
  'connector.class': 'S3_SINK',
  'kafka.auth.mode': 'KAFKA_API_KEY',
  'kafka.api.key': 'KAFKAKEY1',
  'kafka.api.secret': 'kafka-secret-1',
  'aws.access.key.id': 'AKIAFAKE',
  'aws.secret.access.key': 'aws-secret-1',
  topics: 'orders',
  's3.bucket.name': 'lake',
  'input.data.format': 'JSON',
  'output.data.format': 'JSON',
  'time.interval': 'HOURLY',
  'tasks.max': '2',
};
