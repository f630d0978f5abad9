import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { jsonSchemaStandIn, type JobRun, type StepRecord } from './workflow-rehearsal.js';

/**
 * Runs the jobs of a generated `.gitlab-ci.yml` the way a GitLab runner with a shell executor does: `workflow:rules`
 * and the job's `rules:` decide whether (and how: on_success or manual) the job exists in a pipeline; the job's
 * `before_script` (or `default:`'s) and `script` run as ONE bash script with `set -eo pipefail`, `after_script` in a
 * shell of its own whose failure does not fail the job; the predefined CI variables a runner sets (CI_PIPELINE_SOURCE,
 * CI_COMMIT_BRANCH, CI_MERGE_REQUEST_*, GITLAB_USER_LOGIN, CI_JOB_URL, ...), the file's `variables:` (pipeline
 * variables win), `parallel:matrix` values and `environment:` are applied; `artifacts:paths` are kept per pipeline
 * and restored for the jobs that `needs:` them. YAML anchors and `<<:` merge keys are resolved as GitLab does.
 *
 * Script lines that cannot run here are never run and never counted as passed: each is recorded as a stand-in (what
 * replaced it, and why) or as not rehearsed. Like the GitHub rehearsal, the jobs share one workspace (the throw-away
 * repository) instead of a fresh clone each.
 */
export interface PipelineContext {
  source: 'merge_request_event' | 'push' | 'schedule' | 'web';
  /** Pipeline variables (a schedule's or a manual run's), which override the file's `variables:`. */
  variables?: Record<string, string>;
  mergeRequest?: { iid: number; targetBranch: string };
}

type Rule = { if?: string; when?: string };
interface GitlabJob {
  stage?: string;
  image?: unknown;
  rules?: Rule[];
  needs?: string[];
  before_script?: string[];
  script?: string[];
  after_script?: string[];
  variables?: Record<string, string | { value: string }>;
  environment?: { name: string } | string;
  resource_group?: string;
  parallel?: { matrix: Record<string, string[]>[] };
  id_tokens?: Record<string, unknown>;
  artifacts?: { paths?: string[]; when?: string };
}
interface GitlabFile {
  default?: { before_script?: string[] };
  variables?: Record<string, string | { value: string }>;
  workflow?: { rules: Rule[] };
  [job: string]: unknown;
}

const KEYWORDS = new Set(['stages', 'default', 'variables', 'workflow', 'include', 'image', 'services', 'cache']);

export class GitlabRehearsal {
  readonly records: StepRecord[] = [];
  private pipelineId = 5000;
  private jobId = 90000;
  private readonly artifacts = mkdtempSync(join(tmpdir(), 'kcops-gitlab-artifacts-'));

  constructor(
    private readonly o: {
      workspace: string;
      /** Directory holding a `kcops` executable: stands in for `npm install --global kcops@<version>`. */
      kcopsBin: string;
      /** Environment of the runner machine beyond what GitLab sets (e.g. where the dev stack's credentials are). */
      machineEnv?: Record<string, string>;
    },
  ) {}

  /** A new pipeline: a new pipeline id and a new artifact store. */
  newPipeline(): void {
    this.pipelineId++;
  }

  private file(): GitlabFile {
    // merge: true resolves `<<: *anchor` the way GitLab does.
    return parse(readFileSync(join(this.o.workspace, '.gitlab-ci.yml'), 'utf8'), { merge: true }) as GitlabFile;
  }

  private jobs(f: GitlabFile): Record<string, GitlabJob> {
    return Object.fromEntries(
      Object.entries(f).filter(([k, v]) => !KEYWORDS.has(k) && !k.startsWith('.') && typeof v === 'object'),
    ) as Record<string, GitlabJob>;
  }

  /** The predefined variables plus the file's and the pipeline's, before any job-level ones. */
  private pipelineVariables(f: GitlabFile, ctx: PipelineContext): Record<string, string> {
    const sha = git(this.o.workspace, 'rev-parse', 'HEAD');
    const branch = git(this.o.workspace, 'rev-parse', '--abbrev-ref', 'HEAD');
    const v: Record<string, string> = {
      CI: 'true',
      GITLAB_CI: 'true',
      CI_SERVER_URL: 'https://gitlab.example.com',
      CI_API_V4_URL: 'https://gitlab.example.com/api/v4',
      CI_PROJECT_ID: '4242',
      CI_PROJECT_PATH: 'acme/kafka-connect-configs',
      CI_PROJECT_DIR: this.o.workspace,
      CI_DEFAULT_BRANCH: 'main',
      CI_PIPELINE_ID: String(this.pipelineId),
      CI_PIPELINE_SOURCE: ctx.source,
      CI_COMMIT_SHA: sha,
      GITLAB_USER_LOGIN: 'release-bot',
    };
    // A merge request pipeline has no CI_COMMIT_BRANCH; a branch pipeline has no CI_MERGE_REQUEST_* (GitLab's docs).
    if (ctx.mergeRequest) {
      v.CI_MERGE_REQUEST_IID = String(ctx.mergeRequest.iid);
      v.CI_MERGE_REQUEST_TARGET_BRANCH_NAME = ctx.mergeRequest.targetBranch;
      v.CI_MERGE_REQUEST_SOURCE_BRANCH_NAME = branch;
    } else v.CI_COMMIT_BRANCH = branch;
    for (const [k, x] of Object.entries(f.variables ?? {})) v[k] = typeof x === 'string' ? x : x.value;
    return { ...v, ...ctx.variables };
  }

  /** The jobs a pipeline of this kind creates, and how each starts ('on_success' or 'manual'); none if the workflow refuses it. */
  pipeline(ctx: PipelineContext): Record<string, string> {
    const f = this.file();
    const vars = this.pipelineVariables(f, ctx);
    if (f.workflow && decide(f.workflow.rules, vars) === 'never') return {};
    const out: Record<string, string> = {};
    for (const [name, job] of Object.entries(this.jobs(f))) {
      const when = job.rules ? decide(job.rules, vars) : 'on_success';
      if (when !== 'never') out[name] = when;
    }
    return out;
  }

  /**
   * Runs one job of the pipeline. A job the rules leave out is refused; a manual job runs only when `play` says a
   * person pressed play (the protected environment's approval itself is GitLab's and cannot be rehearsed).
   */
  runJob(name: string, ctx: PipelineContext & { matrix?: Record<string, string>; play?: boolean }): JobRun {
    const f = this.file();
    const job = this.jobs(f)[name];
    if (!job) throw new Error(`.gitlab-ci.yml has no job ${name}`);
    const when = this.pipeline(ctx)[name];
    if (when === undefined) throw new Error(`a ${ctx.source} pipeline has no job ${name} (its rules leave it out)`);
    const mine: StepRecord[] = [];
    const record = (r: Omit<StepRecord, 'job'>): void => {
      const rec = { job: `.gitlab-ci.yml#${name}`, ...r };
      mine.push(rec);
      this.records.push(rec);
    };
    if (when === 'manual' && !ctx.play) {
      record({ step: 'manual job', kind: 'skipped', note: 'when: manual, and nobody pressed play' });
      return { code: -1, steps: mine, summary: '', outputs: {} };
    }
    if (job.parallel && !ctx.matrix) throw new Error(`${name} runs per parallel:matrix: give the matrix values`);
    const imageName = typeof job.image === 'string' ? job.image : (job.image as { name?: string })?.name;
    if (imageName && /terraform/.test(imageName)) {
      record({
        step: 'script',
        kind: 'not-rehearsed',
        note: `image ${imageName}: no terraform binary here (the .tf files are checked offline by kcops validate --terraform)`,
      });
      return { code: 0, steps: mine, summary: '', outputs: {} };
    }

    const runnerTemp = mkdtempSync(join(tmpdir(), 'kcops-gitlab-runner-'));
    const env: Record<string, string> = {
      PATH: `${this.o.kcopsBin}:${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? runnerTemp,
      LANG: 'C.UTF-8',
      ...this.o.machineEnv,
      ...this.pipelineVariables(f, ctx),
      CI_JOB_NAME: name,
      CI_JOB_ID: String(++this.jobId),
      CI_JOB_URL: `https://gitlab.example.com/acme/kafka-connect-configs/-/jobs/${this.jobId}`,
      CI_JOB_STAGE: job.stage ?? 'test',
      ...ctx.matrix,
    };
    for (const [k, x] of Object.entries(job.variables ?? {})) env[k] = typeof x === 'string' ? x : x.value;
    for (const token of Object.keys(job.id_tokens ?? {})) {
      env[token] = 'rehearsal-id-token';
      record({ step: `id_tokens: ${token}`, kind: 'stand-in', note: 'GitLab signs an OIDC token; a placeholder here' });
    }
    const envName = typeof job.environment === 'string' ? job.environment : job.environment?.name;
    if (envName) env.CI_ENVIRONMENT_NAME = expand(envName, env);
    if (job.resource_group)
      record({
        step: `resource_group: ${expand(job.resource_group, env)}`,
        kind: 'stand-in',
        note: 'jobs run one at a time here',
      });

    // Artifacts of the jobs this one needs (GitLab downloads them before the script).
    for (const need of job.needs ?? []) {
      const dir = join(this.artifacts, String(this.pipelineId), need);
      if (existsSync(dir)) cpSync(dir, this.o.workspace, { recursive: true });
    }

    const lines = [...(job.before_script ?? f.default?.before_script ?? []), ...(job.script ?? [])];
    const script: string[] = [];
    for (const line of lines) {
      const standIn = this.standIn(line);
      if (!standIn) {
        script.push(line);
        continue;
      }
      record({ step: line.split('\n')[0]!, ...standIn });
      if (standIn.code) return { code: standIn.code, steps: mine, summary: '', outputs: {} };
    }
    const file = join(runnerTemp, 'script.sh');
    writeFileSync(file, script.join('\n') + '\n');
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', file], {
      cwd: this.o.workspace,
      env,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: 600_000,
    });
    const code = r.status ?? 1;
    record({ step: 'script', kind: 'ran', code, output: `${r.stdout}${r.stderr}` });

    for (const line of job.after_script ?? []) {
      const standIn = this.standIn(line);
      if (standIn) record({ step: `after_script: ${line}`, ...standIn });
      else {
        const a = spawnSync('bash', ['--noprofile', '--norc', '-c', line], {
          cwd: this.o.workspace,
          env,
          encoding: 'utf8',
        });
        record({ step: `after_script: ${line}`, kind: 'ran', code: a.status ?? 1, output: `${a.stdout}${a.stderr}` });
      }
    }

    const keep = job.artifacts?.paths ?? [];
    if (keep.length > 0 && (code === 0 || job.artifacts?.when === 'always')) {
      const dir = join(this.artifacts, String(this.pipelineId), name);
      rmSync(dir, { recursive: true, force: true });
      for (const p of keep) {
        const from = join(this.o.workspace, p);
        if (!existsSync(from)) continue;
        mkdirSync(dirname(join(dir, p)), { recursive: true });
        cpSync(from, join(dir, p), { recursive: true });
      }
    }
    return { code, steps: mine, summary: r.stdout, outputs: {} };
  }

  /** What replaces a script line that cannot run here; undefined for a line that runs as written. */
  private standIn(line: string): Omit<StepRecord, 'job' | 'step'> | undefined {
    if (/^npm install --global "?kcops@/.test(line))
      return {
        kind: 'stand-in',
        note: 'kcops of this checkout on PATH instead of `npm install --global kcops@<version>` (no registry release of this build)',
      };
    if (/^apt-get /.test(line)) return { kind: 'stand-in', note: "this machine's Node.js, npm, git and Java" };
    if (/^kcops dev (up|down)\b/.test(line))
      return {
        kind: 'not-rehearsed',
        note: 'the rehearsal runs on the one shared dev stack, already up; the dev environment points at it',
      };
    if (/\bnpx --yes ajv-cli\b/.test(line)) return jsonSchemaStandIn(this.o.workspace);
    return undefined;
  }
}

/** GitLab `rules:` — the first rule whose `if` holds decides; none holds: the job is left out. */
function decide(rules: Rule[], vars: Record<string, string>): string {
  for (const r of rules) if (r.if === undefined || holds(r.if, vars)) return r.when ?? 'on_success';
  return 'never';
}

/**
 * The `rules:if` expressions the template uses: `$VAR` (defined and not empty), `$A == "x"`, `$A != $B`, joined by
 * `&&` and `||`. Anything else is an error, so a new construct is taught here rather than silently taken as true.
 */
function holds(expr: string, vars: Record<string, string>): boolean {
  return expr.split('||').some((alt) =>
    alt.split('&&').every((raw) => {
      const t = raw.trim();
      const val = (s: string): string | undefined => {
        const m = /^\$(\w+)$/.exec(s);
        if (m) return vars[m[1]!];
        const q = /^"([^"]*)"$|^'([^']*)'$/.exec(s);
        if (q) return q[1] ?? q[2] ?? '';
        throw new Error(`the rehearsal cannot evaluate ${s} in rules:if ${expr}`);
      };
      const cmp = /^(\S+)\s*(==|!=)\s*(\S+)$/.exec(t);
      if (cmp) {
        const a = val(cmp[1]!) ?? null;
        const b = cmp[3] === 'null' ? null : (val(cmp[3]!) ?? null);
        return cmp[2] === '==' ? a === b : a !== b;
      }
      const v = val(t);
      return v !== undefined && v !== '';
    }),
  );
}

/** `$VAR` / `${VAR}` in a keyword value (environment:name, resource_group), as GitLab expands them. */
function expand(s: string, vars: Record<string, string>): string {
  return s.replace(/\$\{?(\w+)\}?/g, (_m, k: string) => vars[k] ?? '');
}

function git(cwd: string, ...args: string[]): string {
  return spawnSync('git', args, { cwd, encoding: 'utf8' }).stdout.trim();
}
