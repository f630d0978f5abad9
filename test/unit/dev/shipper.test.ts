import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRsyslogConfig, indexTemplate, rsyslogArgs, rsyslogConfig, SHIP_INDEX } from '../../../src/dev/shipper.js';

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
    expect(rsyslogConfig(input('json'))).toContain('startmsg.regex="^\\\\{"');
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
