import { mkdtempSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  categorize,
  connectorOfLine,
  entryText,
  parseLog,
  parseTimestamp,
} from '../../../../src/core/observe/log-entry.js';
import { matches, parseGrep, parseLevel, parseTimeArg, type LogQuery } from '../../../../src/core/observe/log-query.js';
import { FileLogSource } from '../../../../src/core/observe/file-log-source.js';

const LOG = `[2026-11-23 21:09:12,645] INFO WorkerInfo values: 
\tjvm.args = -Xms128m
\tjvm.spec = Eclipse (org.apache.kafka.connect.runtime.WorkerInfo:71)
[2026-11-23 21:10:00,001] INFO [payments-orders|worker] Creating connector payments-orders of type FileStreamSource (org.apache.kafka.connect.runtime.Worker:311)
[2026-11-23 21:10:00,101] INFO [payments-orders|task-0] Starting FileStreamSourceTask (org.apache.kafka.connect.file.FileStreamSourceTask:62)
[2026-11-23 21:10:01,000] ERROR [payments-orders|task-0] WorkerSourceTask{id=payments-orders-0} Task threw an uncaught and unrecoverable exception (org.apache.kafka.connect.runtime.WorkerTask:234)
org.apache.kafka.connect.errors.ConnectException: boom
\tat org.apache.kafka.connect.file.FileStreamSourceTask.poll(FileStreamSourceTask.java:99)
\tat java.base/java.lang.Thread.run(Thread.java:1583)
[2026-11-23 21:10:02,000] INFO [payments-orders|task-1|offsets] WorkerSourceTask{id=payments-orders-1} Committing offsets for 12 acknowledged messages (org.apache.kafka.connect.runtime.WorkerSourceTask:233)
[2026-11-23 21:10:03,000] WARN [payments-orders-v2|task-0] Something else (x.Y:1)
[2026-11-23 21:10:04,000] INFO [Worker clientId=connect-127.0.0.1:28083, groupId=kcops-dev-connect] Rebalance started; assignment connectorIds=[payments-orders], taskIds=[payments-orders-0] (org.apache.kafka.connect.runtime.distributed.WorkerCoordinator:225)
`;

describe('log entries', () => {
  const entries = parseLog(LOG, { source: 'worker-1', utcOffsetMinutes: 0 });

  it('groups continuation lines (multi-line messages, stack traces) with their header line', () => {
    expect(entries).toHaveLength(7);
    expect(entries[0]!.more).toHaveLength(2);
    expect(entries[0]!.logger).toBe('org.apache.kafka.connect.runtime.WorkerInfo');
    const err = entries[3]!;
    expect(err.level).toBe('ERROR');
    expect(err.more[0]).toContain('ConnectException: boom');
    expect(err.more).toHaveLength(3);
    expect(entryText(err).split('\n')).toHaveLength(4);
  });

  it('reads the [name|scope] context, task numbers included', () => {
    expect(entries[1]!.context).toEqual({ connector: 'payments-orders', scope: 'worker' });
    expect(entries[2]!.context).toEqual({ connector: 'payments-orders', scope: 'task', task: 0 });
    expect(entries[4]!.context).toEqual({ connector: 'payments-orders', scope: 'offsets', task: 1 });
    expect(entries[0]!.context).toBeUndefined();
    expect(entries[6]!.context).toBeUndefined();
    expect(connectorOfLine(entries[5]!.line)).toBe('payments-orders-v2');
  });

  it('reads the worker timestamp in the given zone', () => {
    expect(entries[1]!.time).toBe(Date.UTC(2026, 10, 23, 21, 10, 0, 1));
    expect(parseTimestamp('2026-11-23 21:10:00,001', 60)).toBe(Date.UTC(2026, 10, 23, 20, 10, 0, 1));
    expect(parseTimestamp('nonsense')).toBeUndefined();
  });

  it('marks the categories of REQ-MON-001', () => {
    expect(entries[1]!.categories).toContain('lifecycle');
    expect(entries[2]!.categories).toContain('lifecycle');
    expect(entries[3]!.categories).toContain('error');
    expect(entries[4]!.categories).toEqual(['throughput']);
    expect(entries[6]!.categories).toContain('rebalance');
    expect(categorize({ level: 'WARN', message: 'x', more: ['\tat a.b(C.java:1)'] })).toEqual(['error']);
    expect(categorize({ level: 'INFO', message: 'nothing to see', more: [] })).toEqual([]);
  });
});

describe('log queries', () => {
  const entries = parseLog(LOG, { utcOffsetMinutes: 0 });
  const pick = (q: Partial<LogQuery>) =>
    entries.filter((e) => matches(e, { connector: 'payments-orders', ...q })).map((e) => e.timestamp.slice(11));

  it("keeps only the connector's own lines (never a connector whose name starts the same)", () => {
    expect(pick({})).toEqual(['21:10:00,001', '21:10:00,101', '21:10:01,000', '21:10:02,000']);
  });
  it('filters by task, level, time window, grep (stack trace included) and category', () => {
    expect(pick({ task: 0 })).toEqual(['21:10:00,101', '21:10:01,000']);
    expect(pick({ level: 'WARN' })).toEqual(['21:10:01,000']);
    expect(pick({ since: Date.UTC(2026, 10, 23, 21, 10, 1), until: Date.UTC(2026, 10, 23, 21, 10, 1, 500) })).toEqual([
      '21:10:01,000',
    ]);
    expect(pick({ grep: parseGrep('filestreamsourcetask\\.poll') })).toEqual(['21:10:01,000']);
    expect(pick({ categories: ['throughput'] })).toEqual(['21:10:02,000']);
  });
  it('adds untagged rebalance lines naming the connector only when asked', () => {
    expect(pick({ includeWorkerEvents: true })).toContain('21:10:04,000');
  });
  it('parses --since/--until and --level', () => {
    expect(parseTimeArg('10m', 1_000_000, '--since')).toBe(400_000);
    expect(parseTimeArg('2026-01-01T00:00:00Z', 0, '--since')).toBe(Date.UTC(2026, 0, 1));
    expect(() => parseTimeArg('yesterday', 0, '--since')).toThrow(/neither a duration/);
    expect(parseLevel('warn')).toBe('WARN');
    expect(() => parseLevel('loud')).toThrow(/not a log level/);
    expect(() => parseGrep('(')).toThrow(/not a regular expression/);
  });
});

describe('file log source', () => {
  it('reads several workers in time order and follows new entries with their stack trace', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-logs-'));
    const w1 = join(dir, 'worker-1.log');
    const w2 = join(dir, 'worker-2.log');
    writeFileSync(w1, '[2026-11-23 21:10:02,000] INFO [c1|task-0] second (x:1)\n');
    writeFileSync(
      w2,
      '[2026-11-23 21:10:01,000] INFO [c1|task-1] first (x:1)\n[2026-11-23 21:10:03,000] INFO [c2|task-0] other (x:1)\n',
    );
    const src = new FileLogSource({ files: [w1, w2], pollMs: 20 });
    const read = await src.read({ connector: 'c1' }, 100);
    expect(read.map((e) => [e.source, e.message])).toEqual([
      ['worker-2', 'first'],
      ['worker-1', 'second'],
    ]);
    expect(await src.read({ connector: 'c1' }, 1)).toHaveLength(1);

    const got: string[] = [];
    const ac = new AbortController();
    const done = src.follow({ connector: 'c1' }, (e) => got.push(e.message + '|' + e.more.length), ac.signal);
    appendFileSync(
      w1,
      '[2026-11-23 21:10:05,000] ERROR [c1|task-0] failed (x:1)\njava.lang.IllegalStateException: no\n\tat a.B.c(B.java:1)\n',
    );
    appendFileSync(w2, '[2026-11-23 21:10:05,000] INFO [c2|task-0] not mine (x:1)\n');
    const deadline = Date.now() + 5000;
    while (got.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    ac.abort();
    await done;
    expect(got).toEqual(['failed|2']);
  });
});
