import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/run-cli.js';

const kcops = (cwd: string, ...argv: string[]) => runCli(argv, { cwd });

function dirWith(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-cli-validate-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const good = JSON.stringify({
  name: 'orders-sink',
  config: {
    'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
    'tasks.max': '1',
    topics: 'orders',
    file: '/tmp/o.txt',
    'errors.tolerance': 'all',
    'errors.deadletterqueue.topic.name': 'dlq-orders-sink',
  },
});

describe('kcops validate', () => {
  it('exit 0 and the documented JSON shape for a clean file', async () => {
    const dir = dirWith({ 'orders-sink.json': good });
    const r = await kcops(dir, 'validate', 'orders-sink.json', '--offline', '-o', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      formatVersion: 1,
      findings: [],
      summary: { files: 1, errors: 0, warnings: 0 },
    });
  });

  it('never crashes on junk: empty, binary, non-UTF-8, 10 MB, properties, YAML', async () => {
    const dir = dirWith({
      'empty.json': '',
      'binary.json': Buffer.from([0, 1, 2, 255]),
      'latin1.json': Buffer.from('{"name": "caf\u00e9"}', 'latin1'),
      'big.json': Buffer.alloc(10 * 1024 * 1024, 'a'),
      'x.properties': 'name=x\nconnector.class=FileStreamSink\ntopics=t\n',
      'x.yaml': 'a: [\n',
    });
    const r = await kcops(dir, 'validate', '.', '--offline', '-o', 'json');
    expect(r.code).toBe(1);
    const rules = (JSON.parse(r.out) as { findings: { file: string; rule: string }[] }).findings.map(
      (f) => `${f.file} ${f.rule}`,
    );
    for (const expected of [
      'empty.json syntax/empty-file',
      'binary.json syntax/binary-file',
      'latin1.json syntax/encoding',
      'big.json syntax/file-too-large',
      'x.properties shape/properties-file',
      'x.yaml syntax/invalid-yaml',
    ]) {
      expect(rules).toContain(expected);
    }
  });

  it('human output: grouped by file, code frame with the secret masked, summary line, exit 1', async () => {
    const dir = dirWith({
      'orders-sink.json': good.replace('"file":"/tmp/o.txt"', '"file":"/tmp/o.txt","connection.password":"hunter2"'),
    });
    const r = await kcops(dir, 'validate', 'orders-sink.json', '--offline');
    expect(r.code).toBe(1);
    expect(r.out).toContain('orders-sink.json\n');
    expect(r.out).toContain('secret/plaintext');
    expect(r.out).not.toContain('hunter2');
    expect(r.out).toMatch(/1 file checked: 1 error/);
  });

  it('SARIF 2.1.0 and JUnit XML', async () => {
    const dir = dirWith({ 'a.json': '{', 'orders-sink.json': good });
    const sarif = await kcops(dir, 'validate', '.', '--offline', '-o', 'sarif');
    const doc = JSON.parse(sarif.out) as {
      version: string;
      runs: { results: { ruleId: string; locations: unknown[] }[] }[];
    };
    expect(doc.version).toBe('2.1.0');
    expect(doc.runs[0]?.results.map((x) => x.ruleId)).toContain('syntax/invalid-json');
    const junit = await kcops(dir, 'validate', '.', '--offline', '-o', 'junit');
    expect(junit.out).toContain('<testsuites name="kcops validate" tests="2" failures="1">');
    expect(junit.out).toContain('<testcase classname="kcops.validate" name="a.json">');
  });

  it('other commands refuse -o sarif with a usage error (exit 2), as JSON', async () => {
    const r = await kcops(tmpdir(), 'dev', 'status', '--home', join(tmpdir(), 'kcops-nope'), '-o', 'sarif');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.err)).toMatchObject({ formatVersion: 1, error: { code: 'USAGE' } });
  });

  it('an unreachable cluster is a finding; offline findings are still shown', async () => {
    const dir = dirWith({
      'kcops.yaml':
        "project: t\nenvironments:\n  dev:\n    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:9'] } }\n",
      'connectors/dev/orders-sink.json': good.replace('"tasks.max":"1",', ''),
    });
    const r = await kcops(dir, 'validate', '-o', 'json');
    const rules = (JSON.parse(r.out) as { findings: { rule: string }[] }).findings.map((f) => f.rule);
    expect(rules).toContain('plugin/cluster-unreachable');
    expect(rules).toContain('required/tasks-max');
    expect(r.code).toBe(1);
  });
});
