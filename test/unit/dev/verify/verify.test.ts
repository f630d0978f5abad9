import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareStages, keyText, latencyOf, newStage, unwrapEnvelope } from '../../../../src/dev/verify/compare.js';
import { planSink, planSource } from '../../../../src/dev/verify/flow.js';
import { prefixSpellings, groupAlreadyGone } from '../../../../src/dev/clean.js';

const env = { KCOPS_PG_HOST: '127.0.0.1', KCOPS_PG_PORT: '5432', KCOPS_PG_DATABASE: 'kcops' };
/** The example repository's connector files, as the cluster returns them (references unresolved). */
const file = (n: string) =>
  (
    JSON.parse(
      readFileSync(
        join(
          import.meta.dirname,
          '..',
          '..',
          '..',
          '..',
          'examples',
          'kafka-connect-configs',
          'connectors',
          'dev',
          `${n}.json`,
        ),
        'utf8',
      ),
    ) as { config: Record<string, string> }
  ).config;

describe('what verify counts, from the example connectors', () => {
  it('the CDC source: database from the workers env, table, topic', () => {
    expect(planSource('payments-orders-cdc', file('payments-orders-cdc'), env)).toEqual({
      connector: 'payments-orders-cdc',
      kind: 'postgres-cdc',
      database: 'kcops',
      tables: [{ schema: 'public', table: 'orders', topic: 'payments.public.orders' }],
    });
  });

  it('the JDBC sink: database from connection.url, table from collection.name.format', () => {
    const p = planSink('payments-orders-jdbc-sink', file('payments-orders-jdbc-sink'), env);
    expect(p).toMatchObject({ kind: 'jdbc', database: 'kcops_sink', topics: ['payments.public.orders'] });
    expect(p.kind === 'jdbc' && p.tableFor('payments.public.orders')).toBe('orders_replica');
    const byTopic = planSink(
      's',
      {
        'connector.class': 'io.debezium.connector.jdbc.JdbcSinkConnector',
        topics: 'a.b.c',
        'connection.url': 'jdbc:postgresql://h:1/db?x=1',
      },
      env,
    );
    expect(byTopic.kind === 'jdbc' && byTopic.tableFor('a.b.c')).toBe('a_b_c');
  });

  it('the S3 sink: bucket and the fixed part of keyName', () => {
    expect(planSink('payments-orders-s3-sink', file('payments-orders-s3-sink'), env)).toMatchObject({
      kind: 's3',
      bucket: 'kcops-dev',
      prefix: 'payments/orders/',
    });
  });

  it('refuses what it cannot count, listing what it can', () => {
    expect(() => planSource('f', { 'connector.class': 'FileStreamSource' }, env)).toThrow(/cannot count the source/);
    expect(() =>
      planSource(
        'p',
        {
          'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
          'table.include.list': 'public.ord.*',
        },
        env,
      ),
    ).toThrow(/by pattern/);
    expect(() => planSink('m', { 'connector.class': 'x.MongoSink', topics: 't' }, env)).toThrow(
      /cannot count the sink m/,
    );
  });
});

describe('comparing the stages key by key', () => {
  const stage = (keys: string[], dead: string[] = []) => {
    const s = newStage();
    for (const k of [...keys, ...dead]) s.counts.set(k, (s.counts.get(k) ?? 0) + 1);
    for (const k of keys) s.live.add(k);
    return s;
  };

  it('agrees when every stage holds exactly the source keys', () => {
    expect(compareStages(new Set(['1', '2']), stage(['1', '2', '2']), { sink: stage(['2', '1']) })).toEqual({
      ok: true,
      mismatches: [],
    });
  });

  it('names where each key is missing or extra, in key order', () => {
    const r = compareStages(new Set(['1', '2', '10']), stage(['1', '10', '3']), {
      sink: stage(['1']),
      s3: stage(['1', '2', '10']),
    });
    expect(r.ok).toBe(false);
    expect(r.mismatches).toEqual([
      { key: '2', source: 1, topic: 0, sinks: { sink: 0, s3: 1 }, problems: ['topic-', 'sink-'] },
      { key: '3', source: 0, topic: 1, sinks: { sink: 0, s3: 0 }, problems: ['topic+'] },
      { key: '10', source: 1, topic: 1, sinks: { sink: 0, s3: 1 }, problems: ['sink-'] },
    ]);
  });

  it('a deleted row is not live in the topic', () => {
    expect(compareStages(new Set(['1']), stage(['1'], ['2']), {}).ok).toBe(true);
  });

  it('percentiles by nearest rank', () => {
    expect(latencyOf([])).toBeUndefined();
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(latencyOf(xs)).toEqual({ samples: 100, p50Ms: 50, p99Ms: 99, maxMs: 100 });
  });

  it('keys from Connect JSON with or without the schema envelope', () => {
    expect(keyText(unwrapEnvelope({ schema: {}, payload: { id: 7 } }), ['id'])).toBe('7');
    expect(keyText(unwrapEnvelope({ id: 7, region: 'eu' }), ['id', 'region'])).toBe('7,eu');
    expect(keyText(unwrapEnvelope({ other: 1 }), ['id'])).toBeUndefined();
    expect(keyText('k1', ['id'])).toBe('k1');
  });
});

describe('dev clean', () => {
  it('matches a prefix in every spelling its systems use', () => {
    expect(prefixSpellings('payments-e2e-')).toEqual([
      'payments-e2e-',
      'payments.e2e.',
      'payments_e2e_',
      'payments/e2e/',
    ]);
  });

  it('treats GROUP_ID_NOT_FOUND from DeleteGroups, however nested, as already deleted', () => {
    const nested = { errors: [{ response: { results: [{ groupId: 'g', errorCode: 69 }] } }] };
    expect(groupAlreadyGone(nested)).toBe(true);
    expect(groupAlreadyGone({ errors: [{ response: { results: [{ groupId: 'g', errorCode: 68 }] } }] })).toBe(false);
  });
});
