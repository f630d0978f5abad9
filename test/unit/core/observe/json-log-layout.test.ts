import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { log4j2Properties } from '../../../../src/dev/configs.js';
import { FileLogSource } from '../../../../src/core/observe/file-log-source.js';
import { connectorOfLine, parseJsonEvent, parseLog } from '../../../../src/core/observe/log-entry.js';

/**
 * Worker logs in the JSON layout (`dev up --log-format json`): lines written by a real Kafka Connect 4.3 worker with
 * log4j2's JsonTemplateLayout and kcops's event template (test/fixtures/logs/worker-json.jsonl, paths anonymised), read
 * by the same code as text logs.
 */
const FIXTURE = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'logs', 'worker-json.jsonl');
const dir = mkdtempSync(join(tmpdir(), 'kcops-jsonlog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('JSON worker logs', () => {
  it('a JSON line is one entry: level, time, MDC context, logger, stack trace as continuation lines', () => {
    const line = readFileSync(FIXTURE, 'utf8')
      .split('\n')
      .find((l) => l.includes('"log.level":"ERROR"'))!;
    const e = parseJsonEvent(line, { source: 'worker-1' })!;
    expect(e.level).toBe('ERROR');
    expect(e.time).toBe(Date.parse('2026-12-02T10:59:42.393Z'));
    expect(e.context).toEqual({ connector: 'payments-h17b-bad', scope: 'task', task: 0 });
    expect(e.logger).toBe('org.apache.kafka.connect.runtime.WorkerTask');
    expect(e.message).toMatch(/^WorkerSinkTask\{id=payments-h17b-bad-0\} Task threw/);
    expect(e.more[0]).toMatch(/^org\.apache\.kafka\.connect\.errors\.ConnectException: Couldn't find or create file/);
    expect(e.more.some((l) => /^\tat org\.apache\.kafka\.connect\.file\.FileStreamSinkTask\.start/.test(l))).toBe(true);
    // Human output shows the text layout's shape.
    expect(e.line).toMatch(/^\[2026-12-02T10:59:42\.393Z\] ERROR \[payments-h17b-bad\|task-0\] WorkerSinkTask/);
    expect(connectorOfLine(line)).toBe('payments-h17b-bad');
  });

  it('not a JSON event: read as text (a JSON message body in a text line stays a continuation line)', () => {
    expect(parseJsonEvent('{"a":1}')).toBeUndefined();
    expect(parseJsonEvent('{not json')).toBeUndefined();
    const entries = parseLog('[2026-12-02 10:00:00,000] INFO [c1|task-0] hello (x.Y:1)\n{"payload":1}\n');
    expect(entries).toHaveLength(1);
    expect(entries[0]!.more).toEqual(['{"payload":1}']);
  });

  it("connect logs' file source finds a connector's entries, errors categorised, in a file switched from text", async () => {
    const file = join(dir, 'worker-1.log');
    writeFileSync(
      file,
      '[2026-12-02 10:58:00,000] INFO [payments-h17b-bad|worker] Creating connector payments-h17b-bad (org.apache.kafka.connect.runtime.Worker:1)\n' +
        readFileSync(FIXTURE, 'utf8'),
    );
    const src = new FileLogSource({ files: [file], utcOffsetMinutes: 0 });
    const bad = await src.read({ connector: 'payments-h17b-bad' }, 100);
    expect(bad.map((e) => e.level)).toEqual(['INFO', 'INFO', 'INFO', 'INFO', 'INFO', 'ERROR']);
    expect(bad[bad.length - 1]!.categories).toContain('error');
    const other = await src.read({ connector: 'payments-h17b-src' }, 100);
    expect(other.map((e) => e.message)).toContain('Creating task payments-h17b-src-0');
    for (const e of other) expect(e.context?.connector).toBe('payments-h17b-src');
  });

  it('the dev stack writes the JSON layout with the event template when asked', () => {
    const p = log4j2Properties('/l/worker-1.log', [], { type: 'json', eventTemplate: '/c/kcops-connect-log.json' });
    expect(p).toContain('appender.file.layout.type = JsonTemplateLayout\n');
    expect(p).toContain('appender.file.layout.eventTemplateUri = file:/c/kcops-connect-log.json\n');
    expect(p).not.toContain('PatternLayout');
    expect(log4j2Properties('/l/worker-1.log')).toContain('appender.file.layout.type = PatternLayout\n');
  });
});
