import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { ElasticsearchLogSource } from '../../src/core/observe/elasticsearch-log-source.js';
import { startOpenSearch, type OpenSearchNode } from '../support/opensearch.js';

/**
 * `kcops connect logs` with the elasticsearch source against a real OpenSearch node (runtime/opensearch, a plain Java
 * process built from Maven Central artifacts by test/support/opensearch.ts), not the stand-in of the unit tests.
 * Documents are Filebeat-shaped Connect worker log records indexed through `_bulk`: one index with an ECS-like
 * mapping (connector as a keyword, log.offset), one dynamically mapped, without either field, as Logstash might
 * leave them. Needs java and mvn; does not use the dev stack.
 */
const id = Math.random().toString(36).slice(2, 7);
const A = `orders-${id}`; // the connector read
const B = `orders-${id}-v2`; // shares A's name as a prefix: found by the phrase query, dropped by the MDC check
const C = `payments-${id}`;
const prefix = `filebeat-kcops-${id}`;
const NOW = Date.now();
const T = NOW - 40 * 60_000;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
/** log4j's %d: local time, `yyyy-MM-dd HH:mm:ss,SSS`. */
function stamp(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`
  );
}
const line = (ms: number, level: string, ctx: string, msg: string, logger: string) =>
  `[${stamp(ms)}] ${level} [${ctx}] ${msg} (${logger})`;

interface Rec {
  index: string;
  ms: number;
  host: string;
  level: string;
  connector: string;
  task: number;
  message: string;
  stack?: string;
  /** Index A documents carry the connector keyword and the file offset; index B's do not. */
  ecs: boolean;
}

const offsets = new Map<string, number>();
function doc(r: Rec): Record<string, unknown> {
  const text =
    line(r.ms, r.level, `${r.connector}|task-${r.task}`, r.message, 'org.apache.kafka.connect.runtime.WorkerTask:240') +
    (r.stack ? `\n${r.stack}` : '');
  const base = {
    '@timestamp': new Date(r.ms).toISOString(),
    message: text,
    host: { name: r.host },
    agent: { type: 'filebeat', version: '8.14.3' },
    ecs: { version: '8.0.0' },
  };
  if (!r.ecs) return base;
  const off = offsets.get(r.host) ?? 0;
  offsets.set(r.host, off + text.length + 1);
  return {
    ...base,
    log: { level: r.level.toLowerCase(), offset: off, file: { path: `/var/log/kafka/connect-${r.host}.log` } },
    kafka: { connect: { connector: r.connector } },
  };
}

const records: Rec[] = [];
const add = (r: Omit<Rec, 'index' | 'ecs'> & { ecs?: boolean }) =>
  records.push({ ...r, ecs: r.ecs ?? true, index: `${prefix}-${r.ecs === false ? 'b' : 'a'}` });

// 1,200 of A's lines (over one 1,000-hit page), three per millisecond on the same worker (the tiebreaker orders them
// and a page boundary falls inside such a group), interleaved with B's and C's; 20 minutes from T.
for (let i = 0; i < 1200; i++) {
  const ms = T + Math.floor(i / 3) * 3000;
  const host = Math.floor(i / 3) % 2 ? 'connect-1' : 'connect-2';
  add({ ms, host, level: i % 100 === 7 ? 'WARN' : 'INFO', connector: A, task: i % 2, message: `committed batch ${i}` });
  if (i % 3 === 0) add({ ms: ms + 1, host, level: 'INFO', connector: B, task: 0, message: `B batch ${i}` });
  if (i % 5 === 0) add({ ms: ms + 2, host: 'connect-2', level: 'ERROR', connector: C, task: 0, message: `C ${i}` });
}
// A Logstash-shipped stretch: dynamically mapped index, no connector keyword, no log.offset (unmapped tiebreaker).
for (let i = 0; i < 30; i++)
  add({ ms: T + 21 * 60_000 + i * 1000, host: 'connect-3', level: 'INFO', connector: A, task: 2, message: `ls ${i}` });
// The last five minutes: an error with its stack trace (joined into one document by the shipper's multiline).
const RECENT = NOW - 5 * 60_000;
add({ ms: RECENT, host: 'connect-1', level: 'INFO', connector: A, task: 0, message: 'recent 0' });
add({
  ms: RECENT + 1000,
  host: 'connect-1',
  level: 'ERROR',
  connector: A,
  task: 0,
  message: 'WorkerSourceTask{id=' + A + '-0} Task threw an uncaught and unrecoverable exception',
  stack:
    'org.apache.kafka.connect.errors.ConnectException: boom\n\tat org.apache.kafka.connect.runtime.WorkerTask.doRun(WorkerTask.java:245)',
});
add({ ms: RECENT + 2000, host: 'connect-2', level: 'WARN', connector: A, task: 1, message: 'recent warn' });

/** A's entries in time order (the worker's own timestamps; ties kept in indexing order, which the tiebreaker follows). */
const expectedA = records
  .map((r, i) => ({ r, i }))
  .filter(({ r }) => r.connector === A)
  .sort((x, y) => x.r.ms - y.r.ms || x.i - y.i)
  .map(({ r }) => r);

let os: OpenSearchNode | undefined;
const work = mkdtempSync(join(tmpdir(), 'kcops-es-it-'));

async function es(method: string, path: string, body?: unknown, ndjson = false): Promise<Record<string, unknown>> {
  const res = await fetch(`${os!.url}${path}`, {
    method,
    headers: { 'content-type': ndjson ? 'application/x-ndjson' : 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 500)}`);
  return json;
}

async function bulk(rs: Rec[]): Promise<void> {
  const body = rs.map((r) => `${JSON.stringify({ index: { _index: r.index } })}\n${JSON.stringify(doc(r))}\n`).join('');
  const res = await es('POST', '/_bulk', body, true);
  expect(res.errors).toBe(false);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON output, checked field by field
async function kcops(...argv: string[]): Promise<{ code: number; out: string; err: string; json: any }> {
  let out = '';
  let err = '';
  const sink = (f: (s: string) => void) => new Writable({ write: (c, _e, cb) => (f(String(c)), cb()) });
  const code = await run({
    argv,
    cwd: work,
    env: process.env,
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
  });
  let json: unknown;
  try {
    json = JSON.parse(out);
  } catch {
    json = undefined;
  }
  return { code, out, err, json };
}

describe('connect logs from a real OpenSearch node (elasticsearch source)', () => {
  beforeAll(async () => {
    os = await startOpenSearch();
    console.log(`OpenSearch ${os.version} healthy after ${os.startupMs} ms, RSS ${os.rssMiB()} MiB`);
    // Filebeat's template, reduced to the fields the log source uses.
    await es('PUT', `/${prefix}-a`, {
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: {
        properties: {
          '@timestamp': { type: 'date' },
          message: { type: 'text' },
          host: { properties: { name: { type: 'keyword' } } },
          log: {
            properties: {
              level: { type: 'keyword' },
              offset: { type: 'long' },
              file: { properties: { path: { type: 'keyword' } } },
            },
          },
          kafka: { properties: { connect: { properties: { connector: { type: 'keyword' } } } } },
        },
      },
    });
    await es('PUT', `/${prefix}-b`, { settings: { number_of_shards: 1, number_of_replicas: 0 } });
    for (let i = 0; i < records.length; i += 1000) await bulk(records.slice(i, i + 1000));
    await es('POST', `/${prefix}-*/_refresh`);
    writeFileSync(
      join(work, 'kcops.yaml'),
      [
        'project: es-it',
        'environments:',
        '  prod:',
        '    cluster:',
        '      type: self-managed',
        '      connect: { urls: ["http://127.0.0.1:9"] }',
      ].join('\n') + '\n',
    );
    writeFileSync(
      join(work, 'kcops.observability.yaml'),
      ['prod:', `  logs: { type: elasticsearch, url: "${os.url}", index: "${prefix}-*" }`].join('\n') + '\n',
    );
  }, 600_000);

  afterAll(async () => {
    if (os) console.log(`OpenSearch RSS at the end: ${os.rssMiB()} MiB`);
    await os?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("reads only the connector's lines, in order, across more than one page", async () => {
    const r = await kcops('connect', 'logs', A, '--since', '1h', '-n', '5000', '-o', 'json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const entries = r.json.entries as { connector: string; message: string; source: string; time: string }[];
    expect(entries.length).toBe(expectedA.length); // 1,233: two pages of the log source's 1,000
    for (const e of entries) expect(e.connector).toBe(A);
    expect(entries.map((e) => e.message)).toEqual(expectedA.map((x) => x.message));
    expect(entries.map((e) => Date.parse(e.time))).toEqual(expectedA.map((x) => x.ms));
    expect(entries.filter((e) => e.source === 'connect-3').length).toBe(30); // the index without keyword / offset
  });

  it('--level keeps WARN and above, with the stack trace; --since keeps the window', async () => {
    const warn = await kcops('connect', 'logs', A, '--since', '1h', '--level', 'WARN', '-n', '5000', '-o', 'json');
    expect(warn.json.entries.map((e: { message: string }) => e.message)).toEqual(
      expectedA.filter((x) => x.level !== 'INFO').map((x) => x.message),
    );
    const error = warn.json.entries.find((e: { level: string }) => e.level === 'ERROR');
    expect(error.more.join('\n')).toContain('ConnectException: boom');

    const recent = await kcops('connect', 'logs', A, '--since', '10m', '-o', 'json');
    expect(recent.json.entries.map((e: { message: string }) => e.message)).toEqual([
      'recent 0',
      expectedA.find((x) => x.level === 'ERROR')!.message,
      'recent warn',
    ]);
    const task1 = await kcops('connect', 'logs', A, '--since', '10m', '--task', '1', '-o', 'json');
    expect(task1.json.entries.map((e: { message: string }) => e.message)).toEqual(['recent warn']);
  });

  it('pages of two hits: every page boundary, including hits without a tiebreaker value', async () => {
    const source = new ElasticsearchLogSource({ url: os!.url, index: `${prefix}-*`, pageSize: 2 });
    const got = await source.read({ connector: A, since: T + 20 * 60_000 }, 10_000);
    const want = expectedA.filter((x) => x.ms >= T + 20 * 60_000);
    expect(got.map((e) => e.message)).toEqual(want.map((x) => x.message));
  });

  it('--follow prints a line indexed after it started', async () => {
    let out = '';
    const sink = new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) });
    const before = new Set(process.listeners('SIGTERM'));
    const following = run({
      argv: ['connect', 'logs', A, '--since', '10m', '-f', '-o', 'json'],
      cwd: work,
      env: process.env,
      stdout: sink,
      stderr: new Writable({ write: (_c, _e, cb) => cb() }),
    });
    const lines = () =>
      out
        .split('\n')
        // JSON lines while following; what the command prints when it stops is not an entry.
        .filter((l) => l.startsWith('{"time"'))
        .map((l) => JSON.parse(l) as { message: string });
    const until = async (what: string, ok: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!ok()) {
        if (Date.now() > end) throw new Error(`no ${what} within ${ms} ms; output:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    await until('initial entries', () => lines().length >= 3, 30_000);
    const t0 = Date.now();
    await bulk([
      {
        index: `${prefix}-a`,
        ms: Date.now(),
        host: 'connect-1',
        level: 'INFO',
        connector: A,
        task: 0,
        message: 'followed line',
        ecs: true,
      },
    ]);
    // No explicit refresh: the index's 1 s refresh interval, then the next poll.
    await until('the new line', () => lines().some((l) => l.message === 'followed line'), 15_000);
    const seenAfter = Date.now() - t0;
    console.log(`--follow printed the new line ${seenAfter} ms after it was indexed`);
    // Stop the follow the way Ctrl-C / SIGTERM does, by calling the handler's own listener (no signal is sent).
    for (const l of process.listeners('SIGTERM')) if (!before.has(l)) (l as () => void)();
    expect(await following).toBe(0);
    expect(lines().filter((l) => l.message === 'followed line').length).toBe(1);
    expect(seenAfter).toBeLessThan(5000);
  });
});
