import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEnvironment } from '../../../../src/core/environment/open.js';
import { registerLocalStack } from '../../../../src/core/environment/local-stack.js';
import { isUserError } from '../../../../src/errors.js';
import { FakeConnect } from '../../../fakes/fake-connect-cluster.js';

/** core/environment: the one place an environment of kcops.yaml (or the local stack) becomes a Backend. */
const fake = new FakeConnect({ startDelayMs: 0 });
let url = '';

beforeAll(async () => {
  url = await fake.listen();
});
afterAll(() => fake.close());

function repo(yaml: string[], observability?: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-env-'));
  writeFileSync(join(dir, 'kcops.yaml'), ['project: shop', ...yaml, ''].join('\n'));
  if (observability) writeFileSync(join(dir, 'kcops.observability.yaml'), [...observability, ''].join('\n'));
  return dir;
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return isUserError(e) ? e.code : `not a UserError: ${String(e)}`;
  }
  return undefined;
}

describe('openEnvironment', () => {
  it('gives a self-managed environment its Connect client, Kafka access and the parsed kcops.yaml', async () => {
    const dir = repo([
      'environments:',
      '  prod:',
      '    cluster:',
      '      type: self-managed',
      `      connect: { urls: ['${url}'], timeout: 2s }`,
      '    kafka:',
      '      bootstrapServers: [127.0.0.1:9092]',
      "      sasl: { mechanism: SCRAM-SHA-512, username: kcops, password: '${kcops-env:KAFKA_PW}' }",
      'secretProviders:',
      '  kcops-env: { type: env, resolvedBy: kcops }',
    ]);
    const b = await openEnvironment({ cwd: dir, env: 'prod', processEnv: { KAFKA_PW: 'pw' } });
    try {
      expect(b.target.env).toBe('prod');
      expect(b.target.project?.project).toBe('shop');
      expect(b.target.connect.timeoutMs).toBe(2000);
      expect(b.kafka).toEqual({
        bootstrap: '127.0.0.1:9092',
        username: 'kcops',
        password: 'pw',
        mechanism: 'SCRAM-SHA-512',
      });
      expect(b.connect.id).toBe(url);
      expect(b.connect).toBe(b.connect); // one client per backend
      expect((await b.connect.collect()).connectors).toEqual([]);
      expect(b.metrics).toBeUndefined(); // the workers' exporters, not a metrics service
    } finally {
      await b.close();
    }
  });

  it('makes the Connect client only when asked: logs of a Cloud environment need no Cloud key when observability says where they are', async () => {
    const dir = repo(
      [
        'environments:',
        '  prod:',
        '    cluster:',
        '      type: confluent-cloud',
        '      environmentId: env-1',
        '      kafkaClusterId: lkc-1',
        "      apiEndpoint: 'https://api.confluent.cloud'",
      ],
      ['prod:', '  logs: { type: files, files: [worker.log] }'],
    );
    const b = await openEnvironment({ cwd: dir, env: 'prod', processEnv: {} });
    expect(b.logs().description).toContain(join(dir, 'worker.log'));
    expect(b.metrics).toBeDefined(); // Cloud's Metrics API stands in for the workers' exporters
    expect(await codeOf(() => b.connect)).toBe('CCLOUD_NO_CREDENTIALS');
    await b.close(); // nothing was opened: nothing to close, no error
  });

  it('outside a repository opens the registered local stack, and says so when none is registered', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'kcops-env-none-'));
    expect(await codeOf(openEnvironment({ cwd: outside, processEnv: {} }))).toBe('DEV_NOT_RUNNING');
    registerLocalStack({
      target: () => ({
        env: 'dev',
        isDev: true,
        clusterType: 'self-managed',
        connect: { urls: [url] },
        observability: {},
      }),
    });
    const b = await openEnvironment({ cwd: outside, processEnv: {} });
    try {
      expect(b.target.isDev).toBe(true);
      expect(b.connect.id).toBe(url);
    } finally {
      await b.close();
    }
  });
});
