import { Admin } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { httpJson } from '../../src/connect/http.js';
import { groupMemberCount, saslAdmin } from '../../src/kafka/admin.js';
import { waitFor } from '../../src/dev/wait.js';
import { credentials, rest, stack } from './helpers.js';

describe('the dev stack, against the real processes', () => {
  it('runs both workers in one Connect group', async () => {
    const s = stack();
    // Other suites create and delete connectors, which rebalances the group: wait for it to be Stable again.
    const members = await waitFor(
      async () => {
        const n = await groupMemberCount(s.kafka.bootstrap, credentials().kafka.admin, 'kcops-dev-connect');
        return n > 0 ? n : undefined;
      },
      { what: 'the Connect group to be stable', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(members).toBe(2);
    for (const worker of [0, 1]) {
      const r = await rest<{ version: string; kafka_cluster_id: string }>('/', { worker });
      expect(r.status).toBe(200);
      expect(r.body.version).toMatch(/^4\.3\./);
    }
  });

  it('lists the Debezium PostgreSQL source, Debezium JDBC sink, an S3 sink and FileStream', async () => {
    const r = await rest<{ class: string; type: string; version: string }[]>('/connector-plugins');
    expect(r.status).toBe(200);
    const classes = r.body.map((p) => p.class);
    expect(classes).toEqual(
      expect.arrayContaining([
        'io.debezium.connector.postgresql.PostgresConnector',
        'io.debezium.connector.jdbc.JdbcSinkConnector',
        'org.apache.kafka.connect.file.FileStreamSourceConnector',
        'org.apache.kafka.connect.file.FileStreamSinkConnector',
      ]),
    );
    // The S3 sink: Camel's generic sink with the aws2-s3 component (cdc-to-s3.test.ts lands objects with it).
    expect(r.body.find((p) => p.class === 'org.apache.camel.kafkaconnector.CamelSinkConnector')?.type).toBe('sink');
  });

  it('rejects REST requests without credentials or with wrong ones', async () => {
    const url = stack().connect.urls[0];
    expect((await httpJson(`${url}/connectors`)).status).toBe(401);
    const wrong = await httpJson(`${url}/connectors`, {
      auth: { username: credentials().connect.username, password: 'wrong' },
    });
    expect(wrong.status).toBe(401);
  });

  it('rejects a SASL login with a wrong password', async () => {
    const admin = saslAdmin(stack().kafka.bootstrap, {
      username: credentials().kafka.admin.username,
      password: 'not-the-password',
    });
    try {
      await expect(admin.listTopics()).rejects.toThrow();
    } finally {
      await admin.close().catch(() => undefined);
    }
  });

  it('enforces ACLs: a team cannot create topics under another team’s prefix', async () => {
    const c = credentials();
    const analytics = c.kafka.serviceAccounts['sa-analytics'];
    if (!analytics) throw new Error('sa-analytics missing from the credentials file');
    const admin: Admin = saslAdmin(stack().kafka.bootstrap, analytics);
    try {
      await expect(
        admin.createTopics({ topics: ['payments.not-yours'], partitions: 1, replicas: 1 }),
      ).rejects.toThrow();
      await admin.createTopics({ topics: [`analytics.acl-check-${Date.now()}`], partitions: 1, replicas: 1 });
    } finally {
      await admin.close().catch(() => undefined);
    }
  });

  it('serves Prometheus metrics from each worker', async () => {
    for (const url of stack().metrics) {
      const r = await fetch(url);
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).toMatch(/^kafka_connect_/m);
    }
  });
});
