import { describe, expect, it } from 'vitest';
import { valueCredentials, valueSpans } from '../../../../src/core/secrets/sensitive.js';
import { runExample } from '../../../../src/core/validate/rule-docs.js';
import { goodSink, json } from '../../../../src/core/validate/rules/examples.js';

/**
 * secret/in-url and the JAAS check of secret/plaintext read values with the patterns sensitive.ts masks them with
 * (issue 19 §2: one definition of sensitive). What one finds, the other hides, and the other way round.
 */
const rulesFor = async (config: Record<string, string>): Promise<string[]> =>
  (await runExample({ path: 'orders-db-sink.json', content: json('orders-db-sink', { ...goodSink, ...config }) }))
    .filter((f) => f.rule.startsWith('secret/'))
    .map((f) => `${f.rule}: ${f.message}`)
    .sort();

describe('one set of value patterns for validation and masking', () => {
  it.each([
    ['jdbc:postgresql://db:5432/app?user=app&password=s3cret', /password= in the URL/],
    ['jdbc:sqlserver://db:1433;databaseName=app;password=s3cret', /password= in the URL/],
    ['mongodb://app:s3cret@db:27017/app', /user:password@ in the URL/],
    // Found by sensitive.ts's patterns, missed by the rule's former extractors: an empty user name, api_key=.
    ['redis://:s3cret@cache:6379', /user:password@ in the URL/],
    ['https://search.example.com/?api_key=s3cret', /api_key= in the URL/],
  ])('%s is reported by secret/in-url and masked in output', async (url, what) => {
    const found = await rulesFor({ 'connection.url': url });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^secret\/in-url: /);
    expect(found[0]).toMatch(what);
    expect(found[0]).not.toContain('s3cret');
    const spans = valueSpans(url);
    expect(spans.map((s) => url.slice(s.start, s.end))).toEqual(['s3cret']);
  });

  it.each([
    'jdbc:postgresql://db:5432/app',
    'jdbc:postgresql://db:5432/app?user=app&password=${file:/s/db.properties:password}',
    'https://user@example.com/',
  ])('%s holds no credential for either', async (url) => {
    expect(await rulesFor({ 'connection.url': url })).toEqual([]);
    expect(valueSpans(url)).toEqual([]);
  });

  it('a placeholder in a URL is judged like one in a secret key', async () => {
    const found = await rulesFor({ 'connection.url': 'jdbc:postgresql://db/app?password=changeme' });
    expect(found).toEqual([
      expect.stringMatching(/^secret\/in-url: .*placeholder credential \(password= in the URL\)/),
    ]);
  });

  it('JAAS options: each password/secret option is judged, single-quoted and escaped ones too', async () => {
    const literal = await rulesFor({
      'consumer.override.sasl.jaas.config':
        "org.apache.kafka.common.security.plain.PlainLoginModule required username='u' password='s3cret';",
    });
    expect(literal).toEqual([expect.stringMatching(/^secret\/plaintext: 'consumer.override.sasl.jaas.config'/)]);
    const reference = await rulesFor({
      'consumer.override.sasl.jaas.config':
        'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="${file:/s/k.properties:p}";',
    });
    expect(reference).toEqual([]);
    const value = "x required password='s3cret';";
    expect(valueCredentials(value)).toEqual([
      {
        kind: 'jaas-option',
        name: 'password',
        value: 's3cret',
        start: value.indexOf('s3cret'),
        end: value.indexOf("';"),
      },
    ]);
  });
});
