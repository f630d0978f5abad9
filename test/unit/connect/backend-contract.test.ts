import { expect } from 'vitest';
import { openCloudConnect } from '../../../src/connect/confluent-cloud/backend.js';
import { openSelfManagedConnect } from '../../../src/connect/self-managed/backend.js';
import { startCheckedCloud } from '../../fakes/confluent-cloud/checked.js';
import { FakeConnect } from '../../fakes/fake-connect-cluster.js';
import { backendContract } from '../../support/backend-contract.js';
import { S3_SINK } from './confluent-cloud/helpers.js';

/** The one backend contract (test/support/backend-contract.ts) against both stand-ins, over real HTTP. */

backendContract('self-managed (in-memory Connect REST stand-in)', { faults: true }, async () => {
  const fake = new FakeConnect({ startDelayMs: 0 });
  const url = await fake.listen();
  const cluster = openSelfManagedConnect({
    urls: [url],
    conflictRetry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 2 },
  });
  return {
    cluster,
    capabilities: {
      stop: true,
      initialStateOnCreate: true,
      retries409: true,
      masksSecrets: false,
      offsetsNeedStop: true,
    },
    name: (s) => `contract-${s}`,
    sinkConfig: () => ({
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      'tasks.max': '1',
      topics: 'contract',
      file: '/tmp/contract.txt',
    }),
    secret: { key: 'consumer.override.sasl.jaas.config', value: 'PlainLoginModule required password="s3cret";' },
    offsets: {
      config: {
        'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
        topic: 'contract',
        file: '/tmp/contract-in.txt',
      },
      sample: [{ partition: { filename: '/tmp/contract-in.txt' }, offset: { position: 42 } }],
    },
    codes: { notFound: 'CONNECT_NOT_FOUND' },
    faults: {
      conflict: (method, path, times) =>
        fake.inject({ method, path, times, respond: { status: 409, body: { error_code: 409, message: 'rebalance' } } }),
      requestCount: () => fake.requests.length,
    },
    settleMs: 2_000,
    teardown: async () => {
      await cluster.close();
      await fake.close();
    },
  };
});

backendContract('Confluent Cloud (contract-checked stand-in)', { faults: true }, async () => {
  const { cloud, violations } = await startCheckedCloud({ provisioningReads: 1, offsetRequestReads: 1 });
  const cluster = openCloudConnect({
    apiEndpoint: cloud.url,
    environmentId: cloud.environmentId,
    kafkaClusterId: cloud.clusterId,
    apiKey: cloud.apiKey,
    apiSecret: cloud.apiSecret,
    credentialRef: '${env:CCLOUD_API_SECRET}',
    provisioning: { timeoutMs: 50_000 },
    offsetsPoll: { timeoutMs: 10_000, pollMs: 1, firstPollMs: 1 },
    serverRetry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 },
  });
  return {
    cluster,
    capabilities: {
      stop: false,
      initialStateOnCreate: false,
      retries409: false,
      masksSecrets: true,
      offsetsNeedStop: false,
    },
    name: (s) => `contract-${s}`,
    sinkConfig: () => ({ ...S3_SINK }),
    secret: { key: 'aws.secret.access.key', value: 'aws-secret-contract' },
    offsets: {
      config: { ...S3_SINK },
      sample: [{ partition: { kafka_topic: 'orders', kafka_partition: 0 }, offset: { kafka_offset: 42 } }],
    },
    codes: { notFound: 'CCLOUD_NOT_FOUND', stopUnsupported: 'CCLOUD_UNSUPPORTED' },
    faults: {
      conflict: (method, path, times) => {
        for (let i = 0; i < times; i++)
          cloud.failNext(409, 'nested', 'conflict', new RegExp(`^${method} .*${path.source}`));
      },
      requestCount: () => cloud.exchanges.length,
    },
    settleMs: 2_000,
    teardown: async () => {
      await cluster.close();
      await cloud.stop();
      // Cloud's document declares no 409: the only departures allowed are the ones the 409 test injected.
      expect(violations.filter((v) => !v.problem.startsWith('status 409 is not declared'))).toEqual([]);
    },
  };
});
