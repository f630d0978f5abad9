import { afterEach, describe, expect, it } from 'vitest';
import { UserError } from '../../../../src/errors.js';
import type { FakeConfluentCloud } from '../../../fakes/confluent-cloud/server.js';
import { cloudSetup, S3_SINK } from './helpers.js';

/**
 * Issue 19 §1 for the Confluent Cloud client: an answer that is not what the endpoint returns is a
 * CONNECT_BAD_RESPONSE naming the request, the status, the content type and the first bytes; nothing is changed.
 */
let cloud: FakeConfluentCloud | undefined;
afterEach(async () => cloud?.stop());

const LIST = /^GET \/connect\/v1\/environments\/[^/]+\/clusters\/[^/]+\/connectors\?expand=info,status,id$/;
const json = 'application/json';

async function errorOf(p: Promise<unknown>): Promise<UserError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

describe('ConfluentCloudCluster: answers that are not what the endpoint returns', () => {
  const status = { name: 'orders-s3', connector: { state: 'RUNNING', worker_id: 'w' }, tasks: [], type: 'sink' };
  const info = { name: 'orders-s3', config: { 'connector.class': 'S3_SINK' }, type: 'sink' };
  const cases: [string, string, string, RegExp][] = [
    ['an HTML login page', '<!DOCTYPE html><html><body>Sign in</body></html>', 'text/html', /not JSON/],
    ['a truncated body', '{"orders-s3":{"info":{"config":{"connector.class":"S3_', json, /not JSON/],
    ['[] instead of a map', '[]', json, /not the shape/],
    ['null', 'null', json, /not the shape/],
    ['a null entry', '{"orders-s3":null}', json, /at orders-s3/],
    ['a non-array tasks', JSON.stringify({ 'orders-s3': { info, status: { ...status, tasks: 'x' } } }), json, /tasks/],
    ['a string where info is due', JSON.stringify({ 'orders-s3': { info: 'x', status } }), json, /info/],
  ];
  for (const [what, raw, type, detail] of cases) {
    it(`collect() refuses ${what}, and apply's create never follows`, async () => {
      const s = await cloudSetup({ provisioningReads: 0 });
      cloud = s.cloud;
      await s.cluster.create('orders-s3', S3_SINK);
      const before = s.cloud.exchanges.length;
      s.cloud.answerRawNext(LIST, 200, raw, type);
      const e = await errorOf(s.cluster.collect());
      expect(e.code).toBe('CONNECT_BAD_RESPONSE');
      expect(e.message).toContain(`Confluent Cloud answered GET ${s.cloud.url}/connect/v1/environments/`);
      expect(e.message).toContain(`with 200 (${type})`);
      expect(e.message).toMatch(detail);
      expect(e.message).not.toContain(s.cloud.apiSecret);
      expect(s.cloud.exchanges.slice(before).filter((x) => x.method !== 'GET')).toEqual([]);
      expect([...s.cloud.connectors.keys()]).toEqual(['orders-s3']);
    });
  }

  it('checks status, config, plugins, offsets and the offsets request status too', async () => {
    const s = await cloudSetup({ provisioningReads: 0 });
    cloud = s.cloud;
    await s.cluster.create('orders-s3', S3_SINK);
    s.cloud.answerRawNext(/\/status$/, 200, '{"name":"orders-s3","connector":"RUNNING"}', json);
    expect((await errorOf(s.cluster.status('orders-s3'))).code).toBe('CONNECT_BAD_RESPONSE');
    s.cloud.answerRawNext(/\/config$/, 200, '"orders-s3"', json);
    expect((await errorOf(s.cluster.connectorConfig('orders-s3'))).code).toBe('CONNECT_BAD_RESPONSE');
    s.cloud.answerRawNext(/connector-plugins$/, 200, '[null]', json);
    expect((await errorOf(s.cluster.plugins())).code).toBe('CONNECT_BAD_RESPONSE');
    s.cloud.answerRawNext(/\/offsets$/, 200, '{"offsets":{}}', json);
    expect((await errorOf(s.cluster.getOffsets('orders-s3'))).code).toBe('CONNECT_BAD_RESPONSE');
    // A proxy's 404 page is not Cloud saying "no such connector".
    s.cloud.answerRawNext(/\/status$/, 404, '<h1>Not Found</h1>');
    expect((await errorOf(s.cluster.status('orders-s3'))).code).toBe('CCLOUD_NOT_FOUND');
    expect(await s.cluster.status('orders-s3')).toMatchObject({ state: 'RUNNING' });
    expect(s.violations).toEqual([]);
  });
});
