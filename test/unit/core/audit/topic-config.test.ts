import { describe, expect, it } from 'vitest';
import { auditTopicOf } from '../../../../src/core/audit/topic-target.js';
import { parseProject } from '../../../../src/core/project/load-project.js';

const selfManaged = "cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:28083'] } }";
const cloud = 'cluster: { type: confluent-cloud, environmentId: env-abc123, kafkaClusterId: lkc-abc123 }';
const sasl = "sasl: { mechanism: SCRAM-SHA-512, username: kcops-audit, password: '${env:AUDIT_PW}' }";

function project(...envLines: string[]) {
  return parseProject(
    'kcops.yaml',
    ['project: shop', 'environments:', '  prod:', ...envLines.map((l) => `    ${l}`), ''].join('\n'),
  );
}

describe('environments.<env>.audit in kcops.yaml', () => {
  it('accepts a topic on a self-managed cluster; required defaults to false', () => {
    const p = project(
      selfManaged,
      `kafka: { bootstrapServers: ['b1:9092', 'b2:9092'], ${sasl} }`,
      'audit: { topic: _kcops-audit }',
    );
    expect(p.issues).toEqual([]);
    expect(p.project?.environments.prod?.audit).toEqual({ topic: '_kcops-audit', required: false });
  });

  it('accepts Kafka REST with a cluster key on Confluent Cloud', () => {
    const p = project(
      cloud,
      "kafka: { restEndpoint: 'https://pkc-1.eu-west-1.aws.confluent.cloud:443', credentials: { apiKey: '${env:K}', apiSecret: '${env:S}' } }",
      'audit: { topic: kcops.audit, required: true }',
    );
    expect(p.issues).toEqual([]);
  });

  it.each([
    ['no kafka access at all', [selfManaged], /kafka.bootstrapServers/],
    [
      'a self-managed cluster with only a REST endpoint',
      [selfManaged, "kafka: { restEndpoint: 'https://rest:8082' }"],
      /kafka.bootstrapServers/,
    ],
    ['Confluent Cloud through the brokers', [cloud, "kafka: { bootstrapServers: ['pkc-1:9092'] }"], /Kafka REST v3/],
    [
      'Confluent Cloud without a cluster key',
      [cloud, "kafka: { restEndpoint: 'https://pkc-1:443' }"],
      /kafka.credentials/,
    ],
  ])('refuses an audit topic with %s, at the topic', (_, env, message) => {
    const p = project(...env, 'audit: { topic: _kcops-audit }');
    expect(p.project).toBeUndefined();
    expect(p.issues).toMatchObject([
      { path: 'environments.prod.audit.topic', message: expect.stringMatching(message) },
    ]);
  });

  it.each(['has space', '..', 'x'.repeat(250), 'ümlaut'])('refuses the topic name %j', (topic) => {
    const p = project(selfManaged, "kafka: { bootstrapServers: ['b1:9092'] }", `audit: { topic: '${topic}' }`);
    expect(p.issues.map((i) => i.path)).toEqual(['environments.prod.audit.topic']);
  });

  it('resolves the target with its secrets only when they are asked for', () => {
    const p = project(
      selfManaged,
      `kafka: { bootstrapServers: ['b1:9092'], ${sasl} }`,
      'audit: { topic: _kcops-audit }',
    );
    const t = auditTopicOf(p.project!, 'prod', {});
    expect(t).toMatchObject({ env: 'prod', topic: '_kcops-audit', required: false });
    expect(t?.access).toMatchObject({
      type: 'kafka',
      bootstrapServers: ['b1:9092'],
      sasl: { username: 'kcops-audit' },
    });
    const access = t!.access as Extract<NonNullable<typeof t>['access'], { type: 'kafka' }>;
    expect(() => access.sasl!.password()).toThrow(/environment variable is not set/);
    const resolved = auditTopicOf(p.project!, 'prod', { AUDIT_PW: 'pw' })!.access as typeof access;
    expect(resolved.sasl!.password()).toBe('pw');
  });

  it('gives no target for an environment without audit', () => {
    const p = project(selfManaged, "kafka: { bootstrapServers: ['b1:9092'] }");
    expect(auditTopicOf(p.project!, 'prod', {})).toBeUndefined();
  });
});
