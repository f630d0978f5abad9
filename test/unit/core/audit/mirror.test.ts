import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendAudit, verifyAudit } from '../../../../src/core/audit/log.js';
import { mirrorAudit, type AuditMessage, type AuditPublisher } from '../../../../src/core/audit/mirror.js';
import type { AuditEntry } from '../../../../src/core/audit/record.js';
import { RecordingReporter } from '../../../../src/core/reporter.js';
import { UserError } from '../../../../src/errors.js';

const entry = (connector: string, action = 'ops:pause'): AuditEntry => ({
  time: '2026-01-01T00:00:00Z',
  actor: 'ana <ana@example.com>',
  credentialKeyId: 'connect-admin',
  env: 'prod',
  cluster: 'http://connect:8083',
  connector,
  action,
  configHashBefore: null,
  configHashAfter: null,
  gitCommit: 'abc',
  result: 'succeeded',
  deploymentId: 'd-1',
});

function logFile(): string {
  return join(mkdtempSync(join(tmpdir(), 'kcops-mirror-')), 'audit.jsonl');
}

class Recorder implements AuditPublisher {
  readonly target = 'topic _kcops-audit on b1:9092';
  readonly sent: AuditMessage[] = [];
  constructor(private readonly failure?: Error) {}
  async publish(messages: AuditMessage[]): Promise<void> {
    if (this.failure) throw this.failure;
    this.sent.push(...messages);
  }
}

const denied = new UserError('KAFKA_TOPIC_DENIED', 'User:kcops may not write to topic _kcops-audit.', {
  hint: 'Grant it WRITE on the topic.',
});

describe('the audit topic (second sink)', () => {
  it('publishes exactly the lines the file received, keyed by connector, with the env in a header', async () => {
    const file = logFile();
    appendAudit(file, [entry('payments-a')]);
    const publisher = new Recorder();
    const written = appendAudit(file, [entry('payments-b', 'ops:resume'), entry('payments-c', 'ops:stop')]);
    await mirrorAudit(written, { publisher, required: true }, file, new RecordingReporter());
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(publisher.sent.map((m) => m.value)).toEqual(lines.slice(1));
    expect(publisher.sent.map((m) => m.key)).toEqual(['payments-b', 'payments-c']);
    expect(publisher.sent[0]!.headers).toEqual({
      'kcops-env': 'prod',
      'kcops-action': 'ops:resume',
      'kcops-deployment-id': 'd-1',
      'kcops-seq': '2',
    });
    expect(JSON.parse(publisher.sent[1]!.value)).toMatchObject({ seq: 3, prevHash: written[0]!.hash });
  });

  it('by default a failure is a warning with the hint; the file keeps its records and its chain', async () => {
    const file = logFile();
    const reporter = new RecordingReporter();
    const written = appendAudit(file, [entry('payments-a')]);
    await expect(
      mirrorAudit(written, { publisher: new Recorder(denied), required: false }, file, reporter),
    ).resolves.toBeUndefined();
    expect(reporter.events).toEqual([
      {
        kind: 'warn',
        text: `Audit record 1 (deployment d-1) is in ${file} but not published to topic _kcops-audit on b1:9092: User:kcops may not write to topic _kcops-audit. Grant it WRITE on the topic. Once fixed: \`kcops audit publish --env prod --from-seq 1 --to-seq 1\`.`,
      },
    ]);
    expect(verifyAudit(file)).toMatchObject({ ok: true, records: 1 });
  });

  it('with required: true a failure fails the command with a UserError that says nothing was undone', async () => {
    const file = logFile();
    const written = appendAudit(file, [entry('payments-a'), entry('payments-b')]);
    const err = await mirrorAudit(
      written,
      { publisher: new Recorder(denied), required: true },
      file,
      new RecordingReporter(),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err).toMatchObject({
      code: 'AUDIT_TOPIC_FAILED',
      exitCode: 1,
      message: expect.stringMatching(
        /^Audit records 1–2 .* are in .*audit\.jsonl but not published to topic _kcops-audit on b1:9092: .*Nothing was undone/,
      ),
      hint: expect.stringMatching(
        /^Grant it WRITE on the topic\. Once fixed: `kcops audit publish --env prod --from-seq 1 --to-seq 2`\. .*audit\.required: false/,
      ),
    });
    expect(verifyAudit(file)).toMatchObject({ ok: true, records: 2 });
  });

  it('a foreign error (not a UserError) still names the topic; without a mirror nothing is published', async () => {
    const file = logFile();
    const reporter = new RecordingReporter();
    const written = appendAudit(file, [entry('payments-a')]);
    await mirrorAudit(
      written,
      { publisher: new Recorder(new Error('socket hang up')), required: false },
      file,
      reporter,
    );
    expect(reporter.events[0]?.text).toMatch(
      /not published to topic _kcops-audit on b1:9092: socket hang up\. The topic must exist and kcops needs WRITE on it\. Once fixed: `kcops audit publish --env prod --from-seq 1 --to-seq 1`\.$/,
    );
    await expect(mirrorAudit(written, undefined, file, reporter)).resolves.toBeUndefined();
    const publisher = new Recorder();
    await mirrorAudit([], { publisher, required: true }, file, reporter);
    expect(publisher.sent).toEqual([]);
  });
});
