import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyState, writeAlertState } from '../../../../src/core/monitor/alert-state.js';
import { loadDesired, workingTree } from '../../../../src/core/plan/desired.js';
import { boundaryOf } from '../../../../src/core/fs/boundary.js';
import { initRepository, newConnector, TEMPLATE_NAMES } from '../../../../src/core/project/scaffold.js';
import { validate } from '../../../../src/core/validate/run.js';
import { runCli } from '../../../support/run-cli.js';
import { FakeConnect } from '../../../fakes/fake-connect-cluster.js';

/** Issue 19 §3: kcops never follows a symbolic link out of the repository, reading or writing. */
const connector = (name: string) =>
  JSON.stringify({
    name,
    config: {
      'connector.class': 'org.apache.kafka.connect.file.FileStreamSinkConnector',
      'tasks.max': '1',
      topics: 'orders',
      file: '/tmp/o.txt',
      'errors.tolerance': 'all',
      'errors.deadletterqueue.topic.name': `dlq-${name}`,
    },
  });

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-boundary-'));
  writeFileSync(
    join(dir, 'kcops.yaml'),
    [
      'project: shop',
      'environments:',
      '  dev:',
      "    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:1'] } }",
      '',
    ].join('\n'),
  );
  mkdirSync(join(dir, 'connectors', 'dev'), { recursive: true });
  writeFileSync(join(dir, 'connectors', 'dev', 'orders-sink.json'), connector('orders-sink'));
  return dir;
}

/** A directory outside the repository with a file holding a canary, standing in for /etc. */
function outsideDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-outside-'));
  writeFileSync(join(dir, 'shadow.json'), '{"root": "CANARY-OUTSIDE"}');
  writeFileSync(join(dir, 'passwd'), 'root:x:0:0:CANARY-OUTSIDE');
  return dir;
}

describe('reading: validate and plan', () => {
  it('validate does not follow a link to a directory outside the repository: one finding names link and target', async () => {
    const dir = repo();
    const etc = outsideDir();
    symlinkSync(etc, join(dir, 'connectors', 'dev', 'etc'));
    const r = await validate({ paths: [], cwd: dir });
    expect(r.files.some((f) => f.includes('shadow') || f.includes('passwd'))).toBe(false);
    expect(r.findings.filter((f) => f.rule === 'syntax/link-outside-repository')).toEqual([
      expect.objectContaining({
        file: 'connectors/dev/etc',
        severity: 'error',
        message: expect.stringContaining(`symbolic link to ${etc}, outside the repository`),
      }),
    ]);
    const out = await runCli(['validate'], { cwd: dir });
    expect(out.code).toBe(1);
    expect(out.out + out.err).not.toContain('CANARY-OUTSIDE');
  });

  it('a `loop -> .` link ends: each directory is read once', async () => {
    const dir = repo();
    symlinkSync('.', join(dir, 'connectors', 'dev', 'loop'));
    symlinkSync('..', join(dir, 'connectors', 'dev', 'up'));
    const r = await validate({ paths: [], cwd: dir });
    expect(r.files).toEqual(['connectors/dev/orders-sink.json', 'kcops.yaml']);
  });

  it('a link to a file inside the repository is followed, by validate and by plan alike', async () => {
    const dir = repo();
    mkdirSync(join(dir, 'shared'));
    writeFileSync(join(dir, 'shared', 'audit-sink.json'), connector('audit-sink'));
    symlinkSync('../../shared/audit-sink.json', join(dir, 'connectors', 'dev', 'audit-sink.json'));
    const r = await validate({ paths: [], cwd: dir, env: 'dev' });
    expect(r.files).toContain('connectors/dev/audit-sink.json');
    expect(loadDesired(workingTree(dir), 'dev').map((d) => d.name)).toEqual(['audit-sink', 'orders-sink']);
  });

  it('plan refuses a connector file that links out of the repository, naming link and target', () => {
    const dir = repo();
    const etc = outsideDir();
    symlinkSync(join(etc, 'shadow.json'), join(dir, 'connectors', 'dev', 'shadow.json'));
    expect(() => loadDesired(workingTree(dir), 'dev')).toThrow(
      expect.objectContaining({
        code: 'PATH_OUTSIDE_REPO',
        message: expect.stringContaining(
          `connectors/dev/shadow.json is a symbolic link to ${join(etc, 'shadow.json')}`,
        ),
      }),
    );
    // The environment directory itself linked out of the repository.
    const dir2 = repo();
    const other = mkdtempSync(join(tmpdir(), 'kcops-outside-'));
    symlinkSync(other, join(dir2, 'connectors', 'prod'));
    expect(() => loadDesired(workingTree(dir2), 'prod')).toThrow(
      expect.objectContaining({ code: 'PATH_OUTSIDE_REPO' }),
    );
  });

  it('a kcops.yaml that links to itself is a located UserError, not INTERNAL or "no project"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-boundary-'));
    symlinkSync('kcops.yaml', join(dir, 'kcops.yaml'));
    for (const argv of [['validate'], ['plan', '--env', 'dev']]) {
      const r = await runCli([...argv, '-o', 'json'], { cwd: dir });
      expect(r.code, r.err).toBe(2);
      expect(JSON.parse(r.err)).toMatchObject({
        error: {
          code: 'PROJECT_UNREADABLE',
          message: expect.stringContaining('kcops.yaml:1:1: it is a symbolic link that leads back to itself'),
        },
      });
    }
  });
});

describe('writing: never through a link out of the repository', () => {
  it('plan --out into the repository through a link is refused; the outside file is untouched', async () => {
    const fake = new FakeConnect({ startDelayMs: 0 });
    const url = await fake.listen();
    try {
      const dir = repo();
      writeFileSync(
        join(dir, 'kcops.yaml'),
        readFileSync(join(dir, 'kcops.yaml'), 'utf8').replace('http://127.0.0.1:1', url),
      );
      const outside = join(outsideDir(), 'passwd');
      symlinkSync(outside, join(dir, 'plan.json'));
      const r = await runCli(['plan', '--env', 'dev', '--out', 'plan.json', '-o', 'json'], { cwd: dir });
      expect(r.code).toBe(1);
      expect(JSON.parse(r.err)).toMatchObject({
        error: {
          code: 'PATH_OUTSIDE_REPO',
          message: expect.stringContaining(`plan.json is a symbolic link to ${outside}`),
        },
      });
      expect(readFileSync(outside, 'utf8')).toBe('root:x:0:0:CANARY-OUTSIDE');
      // Nor is a saved plan read through it.
      const applied = await runCli(['apply', '--env', 'dev', 'plan.json', '--auto-approve', '-o', 'json'], {
        cwd: dir,
      });
      expect(JSON.parse(applied.err)).toMatchObject({ error: { code: 'PATH_OUTSIDE_REPO' } });
      // A path outside the repository named explicitly is the user's choice.
      const chosen = join(mkdtempSync(join(tmpdir(), 'kcops-plans-')), 'plan.json');
      expect((await runCli(['plan', '--env', 'dev', '--out', chosen], { cwd: dir })).code).toBe(0);
      expect(existsSync(chosen)).toBe(true);
    } finally {
      await fake.close();
    }
  });

  it('init skips a dangling link to outside instead of creating its target; new refuses a linked target', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-init-'));
    const outside = join(mkdtempSync(join(tmpdir(), 'kcops-outside-')), 'created-by-kcops');
    symlinkSync(outside, join(dir, '.gitignore'));
    const r = initRepository(dir);
    expect(r.skipped).toContain('.gitignore');
    expect(existsSync(outside)).toBe(false);
    // connectors/dev is a link out of the repository: `kcops new` must not write there.
    const out = mkdtempSync(join(tmpdir(), 'kcops-outside-'));
    const repoDir = repo();
    symlinkSync(out, join(repoDir, 'connectors', 'staging'));
    writeFileSync(
      join(repoDir, 'kcops.yaml'),
      readFileSync(join(repoDir, 'kcops.yaml'), 'utf8') +
        "  staging:\n    cluster: { type: self-managed, connect: { urls: ['http://127.0.0.1:1'] } }\n",
    );
    expect(() => newConnector(repoDir, TEMPLATE_NAMES[0]!, 'staging', 'payments-x')).toThrow(
      expect.objectContaining({ code: 'PATH_OUTSIDE_REPO' }),
    );
  });

  it('the alert state is not written through a link out of its directory', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kcops-alerts-'));
    const outside = join(outsideDir(), 'passwd');
    symlinkSync(outside, join(dir, 'prod.json'));
    expect(() => writeAlertState(join(dir, 'prod.json'), emptyState('prod'), boundaryOf(dir))).toThrow(
      expect.objectContaining({ code: 'PATH_OUTSIDE_REPO' }),
    );
    expect(readFileSync(outside, 'utf8')).toBe('root:x:0:0:CANARY-OUTSIDE');
  });
});
