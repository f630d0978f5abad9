import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'yaml';

/**
 * Runs the jobs of a generated GitHub Actions workflow the way a runner does: each `run:` step in order, in bash with
 * `-eo pipefail`, with the variables a GitHub-hosted runner sets (CI, GITHUB_ACTIONS, GITHUB_ACTOR, GITHUB_RUN_ID,
 * GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, ...), `env:` of workflow, job and step with their expressions evaluated, step
 * outputs carried to later `if:`s. What cannot exist here is never run and never counted as passed: each such step is
 * recorded as a stand-in (what replaced it, and why) or as not rehearsed.
 */
export interface StepRecord {
  job: string;
  step: string;
  kind: 'ran' | 'stand-in' | 'not-rehearsed' | 'skipped';
  code?: number;
  output?: string;
  note?: string;
}

export interface JobRun {
  code: number;
  steps: StepRecord[];
  summary: string;
  outputs: Record<string, Record<string, string>>;
}

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  env?: Record<string, string>;
  with?: Record<string, string | number>;
}
interface Job {
  env?: Record<string, string>;
  defaults?: { run?: { 'working-directory'?: string } };
  steps: Step[];
}
interface Workflow {
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

export interface RunnerOptions {
  /** The checked-out repository (the workspace). */
  workspace: string;
  /** Directory holding a `kcops` executable: stands in for `npm install --global kcops@<version>`. */
  kcopsBin: string;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /** Environment of the runner machine beyond what GitHub sets (e.g. where the dev stack's credentials are). */
  machineEnv?: Record<string, string>;
  /** Where upload-artifact / download-artifact keep files between jobs of one run. */
  artifacts?: string;
}

export class WorkflowRehearsal {
  readonly artifacts: string;
  readonly records: StepRecord[] = [];
  private runId = 1000;

  constructor(private readonly o: RunnerOptions) {
    this.artifacts = o.artifacts ?? mkdtempSync(join(tmpdir(), 'kcops-rehearsal-artifacts-'));
  }

  /** A new run (a new artifact store, a new run id), as a new workflow run on GitHub. */
  newRun(): void {
    this.runId++;
  }

  runJob(
    workflowFile: string,
    jobId: string,
    ctx: {
      event: string;
      inputs?: Record<string, string>;
      matrix?: Record<string, string>;
      pullRequest?: { number: number; baseSha: string };
    },
  ): JobRun {
    const wf = parse(readFileSync(join(this.o.workspace, workflowFile), 'utf8')) as Workflow;
    const job = wf.jobs[jobId];
    if (!job) throw new Error(`${workflowFile} has no job ${jobId}`);
    const runnerTemp = mkdtempSync(join(tmpdir(), 'kcops-rehearsal-runner-'));
    const summaryFile = join(runnerTemp, 'step-summary.md');
    writeFileSync(summaryFile, '');
    const sha = git(this.o.workspace, 'rev-parse', 'HEAD');
    const outputs: Record<string, Record<string, string>> = {};
    let failed = false;
    let code = 0;
    const expr = (s: string): string =>
      s.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_m, e: string) => this.value(e, { ...ctx, outputs }));
    const cond = (s: string | undefined): boolean => {
      if (s === undefined) return !failed;
      const e = s.replace(/^\$\{\{\s*|\s*\}\}$/g, '');
      return this.condition(e, { ...ctx, outputs, failed, workspace: this.o.workspace });
    };
    const env: Record<string, string> = {
      PATH: `${this.o.kcopsBin}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? runnerTemp,
      LANG: 'C.UTF-8',
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_ACTOR: 'release-bot',
      GITHUB_TRIGGERING_ACTOR: 'release-bot',
      GITHUB_REPOSITORY: 'acme/kafka-connect-configs',
      GITHUB_REPOSITORY_OWNER: 'acme',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_API_URL: 'https://api.github.com',
      GITHUB_RUN_ID: String(this.runId),
      GITHUB_RUN_ATTEMPT: '1',
      GITHUB_JOB: jobId,
      GITHUB_WORKFLOW: basename(workflowFile),
      GITHUB_EVENT_NAME: ctx.event,
      GITHUB_SHA: sha,
      GITHUB_REF: ctx.pullRequest ? `refs/pull/${ctx.pullRequest.number}/merge` : 'refs/heads/main',
      GITHUB_WORKSPACE: this.o.workspace,
      GITHUB_STEP_SUMMARY: summaryFile,
      RUNNER_OS: 'Linux',
      RUNNER_TEMP: runnerTemp,
      ...this.o.machineEnv,
    };
    for (const [k, v] of Object.entries({ ...wf.env, ...job.env })) env[k] = expr(String(v));
    const mine: StepRecord[] = [];
    const record = (r: Omit<StepRecord, 'job'>): void => {
      const rec = { job: `${basename(workflowFile)}#${jobId}`, ...r };
      mine.push(rec);
      this.records.push(rec);
    };

    for (const [i, step] of job.steps.entries()) {
      const name = step.name ?? step.uses ?? `step ${i + 1}`;
      if (!cond(step.if)) {
        record({ step: name, kind: 'skipped', note: `if: ${step.if ?? '(an earlier step failed)'}` });
        continue;
      }
      if (step.uses) {
        const r = this.action(step, expr);
        record({ step: name, ...r });
        if (r.code) [failed, code] = [true, r.code];
        continue;
      }
      if (name === 'Install kcops') {
        record({
          step: name,
          kind: 'stand-in',
          note: 'kcops of this checkout on PATH instead of `npm install --global kcops@<version>` (no registry release of this build)',
        });
        continue;
      }
      if (/^\s*kcops dev (up|down)\b/.test(step.run ?? '')) {
        record({
          step: name,
          kind: 'not-rehearsed',
          note: 'the rehearsal runs on the one shared dev stack, already up; the dev environment points at it',
        });
        continue;
      }
      if (/\bnpx --yes ajv-cli\b/.test(step.run ?? '')) {
        const r = jsonSchemaStandIn(this.o.workspace);
        record({ step: name, ...r });
        if (r.code) [failed, code] = [true, r.code];
        continue;
      }
      const outFile = join(runnerTemp, `output-${i}`);
      writeFileSync(outFile, '');
      const stepEnv: Record<string, string> = { ...env, GITHUB_OUTPUT: outFile };
      for (const [k, v] of Object.entries(step.env ?? {})) stepEnv[k] = expr(String(v));
      const script = join(runnerTemp, `step-${i}.sh`);
      writeFileSync(script, expr(step.run ?? ''));
      const wd = job.defaults?.run?.['working-directory'];
      const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
        cwd: wd ? join(this.o.workspace, expr(wd)) : this.o.workspace,
        env: stepEnv,
        encoding: 'utf8',
        maxBuffer: 64 * 1024 * 1024,
        timeout: 600_000,
      });
      const stepCode = r.status ?? 1;
      if (step.id) outputs[step.id] = parseOutputs(readFileSync(outFile, 'utf8'));
      record({ step: name, kind: 'ran', code: stepCode, output: `${r.stdout}${r.stderr}` });
      if (stepCode !== 0) {
        failed = true;
        code = stepCode;
      }
    }
    return {
      code,
      steps: mine,
      summary: readFileSync(summaryFile, 'utf8'),
      outputs,
    };
  }

  private action(step: Step, expr: (s: string) => string): Omit<StepRecord, 'job' | 'step'> {
    const uses = step.uses!;
    const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expr(String(v))]));
    const ws = this.o.workspace;
    if (uses.startsWith('actions/checkout@'))
      return {
        kind: 'stand-in',
        note: 'the throw-away repository, checked out at the commit under test, is the workspace',
      };
    if (uses.startsWith('actions/setup-node@') || uses.startsWith('actions/setup-java@'))
      return { kind: 'stand-in', note: "this machine's Node.js and Java" };
    if (uses.startsWith('github/codeql-action/upload-sarif@')) {
      // No code scanning here: the file the action would upload is read as it would be, and its results counted.
      const doc = JSON.parse(readFileSync(join(ws, w.sarif_file!), 'utf8')) as {
        version: string;
        runs: { results: unknown[] }[];
      };
      return {
        kind: 'stand-in',
        note: `SARIF ${doc.version} read (code scanning itself is GitHub's): ${doc.runs[0]?.results.length ?? 0} result(s)`,
      };
    }
    if (uses.startsWith('mikepenz/action-junit-report@')) {
      const xml = readFileSync(join(ws, w.report_paths!), 'utf8');
      return {
        kind: 'stand-in',
        note: `JUnit report read: ${/<testsuites[^>]*>/.exec(xml)?.[0] ?? '(no testsuites)'}`,
      };
    }
    if (uses.startsWith('actions/upload-artifact@')) {
      const dir = join(this.artifacts, `${this.runId}`, w.name!);
      mkdirSync(dir, { recursive: true });
      cpSync(join(ws, w.path!), join(dir, basename(w.path!)));
      return { kind: 'stand-in', note: `artifact ${w.name} kept in a local store for the jobs of this run` };
    }
    if (uses.startsWith('actions/download-artifact@')) {
      const dir = join(this.artifacts, `${this.runId}`, w.name!);
      if (!existsSync(dir)) return { kind: 'stand-in', code: 1, note: `artifact ${w.name} not found in this run` };
      for (const f of readdirSync(dir)) cpSync(join(dir, f), join(ws, f));
      return { kind: 'stand-in', note: `artifact ${w.name} restored from the local store` };
    }
    if (uses.startsWith('actions/github-script@'))
      return {
        kind: 'not-rehearsed',
        note: 'calls the GitHub API (comments, issues); its input files are checked by the test',
      };
    return { kind: 'not-rehearsed', note: `${uses}: a vendor action that cannot run here` };
  }

  private value(
    e: string,
    ctx: {
      inputs?: Record<string, string>;
      matrix?: Record<string, string>;
      pullRequest?: { number: number; baseSha: string };
      outputs: Record<string, Record<string, string>>;
    },
  ): string {
    let m: RegExpExecArray | null;
    if ((m = /^secrets\.(\w+)$/.exec(e))) return this.o.secrets?.[m[1]!] ?? '';
    if ((m = /^vars\.(\w+)$/.exec(e))) return this.o.vars?.[m[1]!] ?? '';
    if ((m = /^inputs\.(\w+)$/.exec(e))) return ctx.inputs?.[m[1]!] ?? '';
    if ((m = /^matrix\.(\w+)$/.exec(e))) return ctx.matrix?.[m[1]!] ?? '';
    if ((m = /^steps\.([\w-]+)\.outputs\.(\w+)$/.exec(e))) return ctx.outputs[m[1]!]?.[m[2]!] ?? '';
    if (e === 'github.event.pull_request.base.sha') return ctx.pullRequest?.baseSha ?? '';
    if (e === 'github.event.pull_request.number') return String(ctx.pullRequest?.number ?? '');
    if ((m = /^(vars\.\w+) == 'true'$/.exec(e))) return String(this.value(m[1]!, ctx) === 'true');
    throw new Error(`the rehearsal cannot evaluate \${{ ${e} }}: teach it, do not skip it`);
  }

  private condition(
    e: string,
    ctx: Parameters<WorkflowRehearsal['value']>[1] & { failed: boolean; workspace: string },
  ): boolean {
    return (
      e.split('&&').every((raw) => {
        const t = raw.trim();
        if (t === '!cancelled()' || t === 'always()') return true;
        if (t === 'failure()') return ctx.failed;
        if (t === 'success()') return !ctx.failed;
        let m: RegExpExecArray | null;
        if ((m = /^hashFiles\('([^']+)'\) != ''$/.exec(t))) return existsSync(join(ctx.workspace, m[1]!));
        if ((m = /^(.+?) (==|!=) '([^']*)'$/.exec(t))) {
          const v = this.value(m[1]!, ctx);
          return m[2] === '==' ? v === m[3] : v !== m[3];
        }
        throw new Error(`the rehearsal cannot evaluate the condition ${t}`);
      }) &&
      (e.includes('always()') || e.includes('failure()') || e.includes('!cancelled()') || !ctx.failed)
    );
  }
}

function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return r.stdout.trim();
}

/**
 * `npx --yes ajv-cli@5 validate` needs the npm registry at run time: replaced by the same check with the ajv this
 * project depends on (draft 2020-12, all errors), the same schemas and the same files.
 */
export function jsonSchemaStandIn(ws: string): Omit<StepRecord, 'job' | 'step'> {
  const code = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `
      import { Ajv2020 } from 'ajv/dist/2020.js';
      import addFormats from 'ajv-formats';
      import { readFileSync, readdirSync } from 'node:fs';
      import { join } from 'node:path';
      import { parse } from 'yaml';
      const ajv = new Ajv2020({ allErrors: true, strict: false });
      addFormats.default(ajv);
      const ws = ${JSON.stringify(ws)};
      const connector = ajv.compile(JSON.parse(readFileSync(join(ws, 'schemas/connector.schema.json'), 'utf8')));
      const project = ajv.compile(JSON.parse(readFileSync(join(ws, 'schemas/kcops.schema.json'), 'utf8')));
      let bad = 0;
      for (const env of readdirSync(join(ws, 'connectors')))
        for (const f of readdirSync(join(ws, 'connectors', env)).filter((x) => x.endsWith('.json'))) {
          const p = join('connectors', env, f);
          if (!connector(JSON.parse(readFileSync(join(ws, p), 'utf8')))) { bad++; console.log(p, JSON.stringify(connector.errors)); }
          else console.log(p, 'valid');
        }
      if (!project(parse(readFileSync(join(ws, 'kcops.yaml'), 'utf8')))) { bad++; console.log('kcops.yaml', JSON.stringify(project.errors)); }
      else console.log('kcops.yaml valid');
      process.exit(bad ? 1 : 0);
      `,
    ],
    { cwd: join(import.meta.dirname, '..', '..'), encoding: 'utf8' },
  );
  return {
    kind: 'stand-in',
    code: code.status ?? 1,
    output: `${code.stdout}${code.stderr}`,
    note: 'ajv-cli from the registry replaced by the project’s ajv: same schemas, same files',
  };
}

/** A directory with a `kcops` executable running this checkout's CLI (bin/kcops.js, on dist/). */
export function kcopsOnPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kcops-rehearsal-bin-'));
  const bin = join(import.meta.dirname, '..', '..', 'bin', 'kcops.js');
  writeFileSync(join(dir, 'kcops'), `#!/bin/sh\nexec "${process.execPath}" "${bin}" "$@"\n`);
  chmodSync(join(dir, 'kcops'), 0o755);
  return dir;
}
