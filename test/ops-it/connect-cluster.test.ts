import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SelfManagedCluster } from '../../src/connect/self-managed/client.js';
import { readAudit } from '../../src/core/audit/log.js';
import { waitFor } from '../../src/dev/wait.js';
import { fileSink, stackFromEnv, TestRepo } from '../support/cli-repo.js';

/**
 * The Confluent CLI verbs (`kcops connect cluster ...`, REQ-DEPLOY-001) on the real dev stack: create from a file with
 * starting offsets (created STOPPED, offsets set through the real KIP-875 API, then resumed), list and describe in the
 * Confluent shapes, pause/resume, update with `--config k=v`, delete with `--force`, each one audited.
 */
const stack = stackFromEnv();
const until = <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 90_000) =>
  waitFor(probe, { what, timeoutMs, intervalMs: 500 });

describe.skipIf(!stack)('kcops connect cluster on the dev stack', () => {
  const prefix = `payments-ccit-${randomBytes(3).toString('hex')}-`;
  const repo = stack ? new TestRepo(stack, prefix) : undefined;
  const cluster = stack ? new SelfManagedCluster({ urls: stack.urls, auth: stack.creds.connect }) : undefined;
  const topic = `payments.ccit-${prefix.slice(-7, -1)}`;
  const src = prefix + 'src';
  const sink = prefix + 'sink';

  afterAll(async () => {
    for (const n of [src, sink]) await cluster!.delete(n).catch(() => undefined);
  });

  it('create with offsets, list, describe, pause, resume, update, delete', async () => {
    const r = repo!;
    const input = join(r.dir, 'lines.txt');
    const output = join(r.dir, 'out.txt');
    writeFileSync(input, '1\n2\n3\n4\n5\n');
    // Start reading at byte 6: only lines 4 and 5 are produced.
    const config = join(r.dir, 'src.json');
    writeFileSync(
      config,
      JSON.stringify({
        name: src,
        config: {
          'connector.class': 'org.apache.kafka.connect.file.FileStreamSourceConnector',
          'tasks.max': '1',
          file: input,
          topic,
          'producer.override.sasl.jaas.config': '${env:KCOPS_SASL_JAAS_SA_PAYMENTS}',
        },
        offsets: [{ partition: { filename: input }, offset: { position: 6 } }],
      }),
    );
    const created = await r.kcops('connect', 'cluster', 'create', '--config-file', config, '-o', 'json');
    expect(created.code, created.err).toBe(0);
    expect(created.json).toMatchObject({ name: src, offsetsApplied: 1 });

    writeFileSync(join(r.dir, 'sink.json'), JSON.stringify({ name: sink, config: fileSink(topic, output) }));
    const sinkCreated = await r.kcops('connect', 'cluster', 'create', '--config-file', 'sink.json');
    expect(sinkCreated.code, sinkCreated.err).toBe(0);
    await until('lines 4 and 5 in the sink file', async () =>
      existsSync(output) && readFileSync(output, 'utf8') === '4\n5\n' ? true : undefined,
    );

    const list = await r.kcops('connect', 'cluster', 'list', '-o', 'json');
    expect(list.code).toBe(0);
    const ours = (list.json.connectors as { name: string; status: string; type: string }[]).filter((c) =>
      c.name.startsWith(prefix),
    );
    expect(ours).toEqual([
      expect.objectContaining({ name: sink, status: 'RUNNING', type: 'sink' }),
      expect.objectContaining({ name: src, status: 'RUNNING', type: 'source' }),
    ]);

    const d = await r.kcops('connect', 'cluster', 'describe', src, '-o', 'json');
    expect(d.json).toMatchObject({ connector: { name: src, status: 'RUNNING' }, tasks: [{ task_id: 0 }] });
    expect(d.json.configs).toContainEqual({ config: 'topic', value: topic });

    expect((await r.kcops('connect', 'cluster', 'pause', src, sink)).code).toBe(0);
    await until('both PAUSED', async () =>
      (await cluster!.status(src))?.state === 'PAUSED' && (await cluster!.status(sink))?.state === 'PAUSED'
        ? true
        : undefined,
    );
    expect((await r.kcops('connect', 'cluster', 'resume', src, sink)).code).toBe(0);
    await until('both RUNNING', async () =>
      (await cluster!.status(src))?.state === 'RUNNING' && (await cluster!.status(sink))?.state === 'RUNNING'
        ? true
        : undefined,
    );

    // `--config k=v` keeps the stored configuration and changes one key. The sink's consumer group keeps its
    // offsets (committed when the task stops for the new config), so only new lines reach the new file.
    const output2 = join(r.dir, 'out2.txt');
    const upd = await r.kcops('connect', 'cluster', 'update', sink, '--config', `file=${output2}`, '-o', 'json');
    expect(upd.code, upd.err).toBe(0);
    expect(upd.json.changed).toEqual(['file']);
    expect((await cluster!.connectorConfig(sink))?.topics).toBe(topic);
    writeFileSync(input, '1\n2\n3\n4\n5\n6\n');
    await until('line 6 in the new sink file', async () =>
      existsSync(output2) && readFileSync(output2, 'utf8') === '6\n' ? true : undefined,
    );

    const noForce = await r.kcops('connect', 'cluster', 'delete', src, sink);
    expect(noForce.code).toBe(2);
    const del = await r.kcops('connect', 'cluster', 'delete', src, sink, '--force');
    expect(del.code, del.err).toBe(0);
    expect((await cluster!.collect()).connectors.filter((c) => c.name.startsWith(prefix))).toEqual([]);

    const actions = readAudit(r.auditFile)
      .records.filter((x) => x.connector.startsWith(prefix))
      .map((x) => `${x.action} ${x.connector.slice(prefix.length)} ${x.result}`);
    expect(actions).toEqual([
      'ops:create src succeeded',
      'ops:create sink succeeded',
      'ops:pause src succeeded',
      'ops:pause sink succeeded',
      'ops:resume src succeeded',
      'ops:resume sink succeeded',
      'ops:update sink succeeded',
      'ops:delete src succeeded',
      'ops:delete sink succeeded',
    ]);
  });
});
