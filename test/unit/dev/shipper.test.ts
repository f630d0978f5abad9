import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkRsyslogConfig,
  indexTemplate,
  prepareIndex,
  rsyslogArgs,
  rsyslogConfig,
  rsyslogTemplateExample,
  SHIP_INDEX,
} from '../../../src/dev/shipper.js';

/**
 * The rsyslog configuration `dev up --ship-logs` writes (the real shipping is test/ops-it/log-shipping.test.ts):
 * its shape, and rsyslog's own check of it (`rsyslogd -N1`) where rsyslog is installed (CI installs it).
 */
const dir = mkdtempSync(join(tmpdir(), 'kcops-shipper-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input = (format: 'text' | 'json') => ({
  files: [
    { path: join(dir, 'worker-1.log'), host: 'worker-1' },
    { path: join(dir, 'worker "2".log'), host: 'worker-2' },
  ],
  workDir: dir,
  url: 'https://logs.example.com:9243',
  index: SHIP_INDEX,
  format,
  ownLog: join(dir, 'shipper.log'),
  errorFile: join(dir, 'rejected.json'),
});

describe('dev up --ship-logs: the rsyslog configuration', () => {
  it('tails each worker file, one document per entry, to the _bulk endpoint of the URL', () => {
    const c = rsyslogConfig(input('text'));
    expect(c.match(/input\(type="imfile"/g)).toHaveLength(2);
    expect(c).toContain(`tag="worker-1"`);
    expect(c).toContain(`worker \\"2\\".log`); // quotes in a path are escaped, not closing the string
    expect(c).toContain('server="https://logs.example.com" serverport="9243"');
    expect(c).toContain(`searchIndex="${SHIP_INDEX}" searchType=""`); // no _type: Elasticsearch 7+ and OpenSearch
    expect(c).toContain('startmsg.regex="^\\\\[[0-9]{4}-[0-9]{2}-[0-9]{2}"');
    for (const f of ['@timestamp', 'message', 'host.name', 'kafka.connect.connector', 'log.offset'])
      expect(c).toContain(`outname="${f}"`);
    expect(rsyslogConfig(input('json'))).not.toContain('startmsg.regex'); // a JSON line is a whole entry
  });

  it('the index template maps what connect logs queries and sorts on', () => {
    const t = indexTemplate(SHIP_INDEX) as { index_patterns: string[]; template: { mappings: unknown } };
    expect(t.index_patterns).toEqual([`${SHIP_INDEX}*`]);
    expect(JSON.stringify(t.template.mappings)).toContain('"connector":{"type":"keyword"}');
    expect(rsyslogArgs('/h/config/rsyslog-ship.conf', '/h/data/shipper/rsyslogd.pid')).toEqual([
      '-n',
      '-f',
      '/h/config/rsyslog-ship.conf',
      '-i',
      '/h/data/shipper/rsyslogd.pid',
    ]);
  });

  it.skipIf(!existsSync('/usr/sbin/rsyslogd'))(
    'rsyslogd -N1 accepts both variants and refuses a broken one',
    async () => {
      for (const format of ['text', 'json'] as const) {
        const conf = join(dir, `${format}.conf`);
        writeFileSync(conf, rsyslogConfig(input(format)));
        await checkRsyslogConfig('/usr/sbin/rsyslogd', conf);
      }
      const broken = join(dir, 'broken.conf');
      writeFileSync(broken, rsyslogConfig(input('text')).replace('module(load="omelasticsearch")', ''));
      await expect(checkRsyslogConfig('/usr/sbin/rsyslogd', broken)).rejects.toMatchObject({
        code: 'DEV_SHIPPER_FAILED',
      });
    },
  );
});

/**
 * A stand-in for the three documented calls prepareIndex makes: PUT _index_template/<name>, PUT <index> (400
 * resource_already_exists_exception the second time), GET _cluster/health/<index>?wait_for_status=&timeout= (200
 * with the health document, or 408 with `timed_out: true` when the status was not reached in time).
 */
async function clusterStandIn(o: { health?: 'yellow' | 'red'; refuseTemplate?: boolean } = {}) {
  const calls: string[] = [];
  const indices = new Set<string>();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      calls.push(`${req.method} ${url.pathname}${url.search}`);
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const tpl = /^\/_index_template\/([^/]+)$/.exec(url.pathname);
      const health = /^\/_cluster\/health\/([^/]+)$/.exec(url.pathname);
      if (tpl && req.method === 'PUT') {
        return o.refuseTemplate
          ? reply(403, { error: { type: 'security_exception', reason: 'no manage_index_templates' }, status: 403 })
          : reply(200, { acknowledged: true });
      }
      if (health && req.method === 'GET') {
        const status = indices.has(health[1]!) ? (o.health ?? 'yellow') : 'red';
        return reply(status === 'red' ? 408 : 200, { cluster_name: 'x', status, timed_out: status === 'red' });
      }
      const index = /^\/([^/_][^/]*)$/.exec(url.pathname);
      if (index && req.method === 'PUT') {
        if (indices.has(index[1]!)) {
          const reason = `index [${index[1]}/abc] already exists`;
          return reply(400, { error: { type: 'resource_already_exists_exception', reason }, status: 400 });
        }
        indices.add(index[1]!);
        return reply(200, { acknowledged: true, shards_acknowledged: true, index: index[1] });
      }
      reply(400, { error: { type: 'illegal_argument_exception', reason: 'no handler' }, status: 400 });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, calls, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe('dev up --ship-logs: the index is ready before rsyslog sends', () => {
  it('puts the template, creates the index and waits for its primary shard; twice is fine', async () => {
    const c = await clusterStandIn();
    try {
      expect(await prepareIndex(c.url + '/', SHIP_INDEX, 5000)).toBeUndefined();
      expect(c.calls).toEqual([
        `PUT /_index_template/${SHIP_INDEX}`,
        `PUT /${SHIP_INDEX}`,
        `GET /_cluster/health/${SHIP_INDEX}?wait_for_status=yellow&timeout=5s`,
      ]);
      expect(await prepareIndex(c.url, SHIP_INDEX, 5000)).toBeUndefined(); // already exists: not a problem
    } finally {
      await c.close();
    }
  });

  it('says what went wrong, without failing: a refused template, a shard that never starts, no answer', async () => {
    const refused = await clusterStandIn({ refuseTemplate: true });
    const red = await clusterStandIn({ health: 'red' });
    try {
      expect(await prepareIndex(refused.url, SHIP_INDEX, 1000)).toMatch(/template was refused \(403\)/);
      expect(await prepareIndex(red.url, SHIP_INDEX, 1000)).toMatch(/not ready within 1000 ms \(cluster health red\)/);
    } finally {
      await refused.close();
      await red.close();
    }
    expect(await prepareIndex('http://127.0.0.1:9', SHIP_INDEX, 1000)).toMatch(/did not answer/);
  });
});

describe('the shipping configurations of the repository template', () => {
  const LOGGING = join(import.meta.dirname, '..', '..', '..', 'templates', 'init', 'observability', 'logging');

  it('rsyslog-elasticsearch.conf is what the dev stack runs (same renderer), after its comment header', () => {
    const text = readFileSync(join(LOGGING, 'rsyslog-elasticsearch.conf'), 'utf8');
    const body = text.slice(text.indexOf('# Generated by kcops'));
    expect(body).toBe(rsyslogTemplateExample());
  });

  it.skipIf(!existsSync('/usr/sbin/rsyslogd'))('rsyslogd -N1 accepts the template file as shipped', async () => {
    await checkRsyslogConfig('/usr/sbin/rsyslogd', join(LOGGING, 'rsyslog-elasticsearch.conf'));
  });

  it('the Fluent Bit example says it is not tested here', () => {
    expect(readFileSync(join(LOGGING, 'fluent-bit.conf'), 'utf8')).toMatch(/^# NOT TESTED HERE/m);
  });

  it('the example repository carries the same files', () => {
    const example = join(
      import.meta.dirname,
      '..',
      '..',
      '..',
      'examples',
      'kafka-connect-configs',
      'observability',
      'logging',
    );
    for (const f of readdirSync(LOGGING))
      expect(readFileSync(join(example, f), 'utf8'), f).toBe(readFileSync(join(LOGGING, f), 'utf8'));
  });
});
