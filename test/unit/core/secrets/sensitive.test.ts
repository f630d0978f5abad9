import { describe, expect, it } from 'vitest';
import {
  MASK,
  applySpans,
  isSensitiveKey,
  redactConfig,
  redactDeep,
  redactText,
  redactValue,
  textSpans,
} from '../../../../src/core/secrets/sensitive.js';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqCANARY\n-----END PRIVATE KEY-----';

describe('one definition of sensitive', () => {
  it.each([
    'database.password',
    'database.sslpassword',
    'ssl.keystore.key',
    'producer.override.ssl.keystore.key',
    'ssl.key.password',
    'sasl.jaas.config',
    'aws.secret.access.key',
    'connection.password',
    'private.key',
  ])('%s is sensitive', (k) => expect(isSensitiveKey(k)).toBe(true));

  it.each(['connection.url', 'ssl.keystore.location', 'key.converter', 'ssl.keystore.type', 'topics', 'password.file'])(
    '%s is not',
    (k) => expect(isSensitiveKey(k)).toBe(false),
  );

  it('masks whole values of sensitive keys, but keeps references and empty values', () => {
    expect(redactValue('database.sslpassword', 'CANARY')).toBe(MASK);
    expect(redactValue('database.password', '${file:/s.properties:pw}')).toBe('${file:/s.properties:pw}');
    expect(redactValue('database.password', '')).toBe('');
  });

  it('masks credentials inside values: URL userinfo, query parameters, JAAS options, PEM bodies', () => {
    expect(redactValue('connection.url', 'jdbc:postgresql://app:CANARY@db:5432/x')).toBe(
      `jdbc:postgresql://app:${MASK}@db:5432/x`,
    );
    expect(redactValue('connection.url', 'jdbc:postgresql://db/x?user=a&password=CANARY&ssl=true')).toBe(
      `jdbc:postgresql://db/x?user=a&password=${MASK}&ssl=true`,
    );
    expect(redactValue('x.jaas', 'PlainLoginModule required username="u" password="CANARY";')).toBe(
      `PlainLoginModule required username="u" password="${MASK}";`,
    );
    const pem = redactValue('ssl.truststore.certificates', PEM);
    expect(pem).not.toContain('CANARY');
    expect(pem).toContain('-----BEGIN PRIVATE KEY-----');
  });

  it('finds credentials in whole files: minified JSON, escaped JSON, properties, YAML', () => {
    const texts = [
      `{"name":"a","config":{"database.password":"CANARY","topics":"t","ssl.keystore.key":${JSON.stringify(PEM)}}}`,
      `curl -d "{\\"database.password\\": \\"CANARY\\"}"`,
      'database.password=CANARY\ntopics=t',
      'config:\n  database.sslpassword: "CANARY"\n',
      `{"sasl.jaas.config": "x required username=\\"u\\" password=\\"CANARY\\";"}`,
    ];
    for (const t of texts) {
      const out = applySpans(t, textSpans(t));
      expect(out, t).not.toContain('CANARY');
      expect(out).toContain(MASK);
    }
    expect(applySpans('topics=orders\n', textSpans('topics=orders\n'))).toBe('topics=orders\n');
  });

  it('finds credentials in free text, but keeps "key: problem" messages readable', () => {
    for (const t of [
      'connecting to http://admin:CANARY@connect:8083 failed',
      'Invalid config database.password=CANARY for connector a',
      'values: {"database.password": "CANARY"}',
      'Invalid value CANARY for configuration database.password: must be set',
    ]) {
      expect(redactText(t), t).not.toContain('CANARY');
    }
    const msg = 'There were errors:\nkafka.api.secret: Provided Kafka ApiKey is invalid';
    expect(redactText(msg)).toBe(msg);
  });

  it('spans are sorted and never overlap', () => {
    const spans = textSpans('{"database.password":"a:b@c","connection.url":"http://u:p@h"}');
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThan(spans[i - 1]!.end);
  });

  it('redacts configs and any JSON-able value', () => {
    expect(redactConfig({ 'database.password': 'CANARY', topics: 't' })).toEqual({
      'database.password': MASK,
      topics: 't',
    });
    const deep = JSON.stringify(redactDeep({ a: [{ message: 'http://u:CANARY@h' }], config: { token: 'CANARY' } }));
    expect(deep).not.toContain('CANARY');
  });
});
