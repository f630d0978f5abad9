import { createServer, type Server, type Socket } from 'node:net';
import {
  AuthenticationError,
  MultipleErrors,
  NetworkError,
  ResponseError,
  UserError as KafkaUserError,
} from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { produceFailure, produceRecords, type ProduceTarget } from '../../../src/kafka/produce.js';

const target: ProduceTarget = {
  bootstrapServers: ['b1:9092'],
  sasl: { mechanism: 'PLAIN', username: 'kcops-audit', password: 'pw' },
  topic: '_kcops-audit',
};
/** The shapes @platformatic/kafka 1.35 gives (seen against a broker with ACLs): retries wrap the real cause. */
const retried = (inner: Error) =>
  new MultipleErrors('initProducerId failed 3 times.', [new MultipleErrors('Cannot connect to any broker.', [inner])]);
const METADATA = 3;

describe('what a failed produce means', () => {
  it.each([
    [
      'a topic the principal may not write (or see)',
      new ResponseError(METADATA, 12, { '/topics/0': [29, null] }, {}),
      'KAFKA_TOPIC_DENIED',
      /--allow-principal User:kcops-audit --operation Write --topic _kcops-audit/,
    ],
    [
      'a topic that does not exist',
      new KafkaUserError('Unknown topic _kcops-audit.'),
      'KAFKA_TOPIC_MISSING',
      /kafka-topics\.sh --bootstrap-server b1:9092 --create --topic _kcops-audit --partitions 1/,
    ],
    [
      'a wrong password',
      retried(
        new NetworkError('Connection to b1:9092 failed.', {
          cause: new AuthenticationError('SASL authentication failed.'),
        }),
      ),
      'KAFKA_AUTH',
      /kafka\.sasl/,
    ],
    [
      'an old broker without IdempotentWrite',
      new ResponseError(22, 4, { '': [31, null] }, {}),
      'KAFKA_IDEMPOTENT_DENIED',
      /IdempotentWrite/,
    ],
    [
      'brokers that refuse connections',
      retried(
        new NetworkError('Connection to b1:9092 failed.', {
          cause: Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:9092'), { code: 'ECONNREFUSED' }),
        }),
      ),
      'KAFKA_UNREACHABLE',
      /bootstrapServers/,
    ],
  ])('%s', (_, error, code, hint) => {
    const e = produceFailure(target, error);
    expect(e.code).toBe(code);
    expect(e.hint).toMatch(hint);
    expect(`${e.message} ${e.hint}`).not.toContain('pw');
  });

  it('names the innermost message of anything else', () => {
    const e = produceFailure(target, retried(new Error('something odd')));
    expect(e).toMatchObject({
      code: 'KAFKA_PRODUCE',
      message: expect.stringContaining('something odd'),
      hint: expect.stringContaining('--operation Write --topic _kcops-audit'),
    });
  });
});

describe('produceRecords is bounded', () => {
  const held: Socket[] = [];
  let silent: Server | undefined;
  afterAll(async () => {
    for (const s of held) s.destroy();
    await new Promise((r) => (silent ? silent.close(r) : r(undefined)));
  });

  it('gives up on a closed port after its few retries', async () => {
    const t0 = Date.now();
    const err = await produceRecords({ bootstrapServers: ['127.0.0.1:1'], topic: 't' }, [
      { key: 'k', value: 'v', headers: {} },
    ]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KAFKA_UNREACHABLE' });
    expect(Date.now() - t0).toBeLessThan(5_000);
  });

  it('stops at its deadline when a broker accepts the connection and never answers', async () => {
    silent = createServer((s) => held.push(s));
    await new Promise<void>((r) => silent!.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const err = await produceRecords({ bootstrapServers: [`127.0.0.1:${port}`], topic: 't', deadlineMs: 500 }, [
      { key: 'k', value: 'v', headers: {} },
    ]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'KAFKA_PRODUCE_TIMEOUT', message: expect.stringContaining('0.5 s') });
  });
});
