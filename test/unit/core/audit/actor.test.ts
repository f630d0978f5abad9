import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ciActor, resolveActor } from '../../../../src/core/audit/actor.js';

const github = {
  GITHUB_ACTIONS: 'true',
  GITHUB_ACTOR: 'octo-reviewer',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'acme/kafka-connect-configs',
  GITHUB_RUN_ID: '4242',
};

describe('audit actor', () => {
  const notARepo = mkdtempSync(join(tmpdir(), 'kcops-actor-'));

  it('in GitHub Actions: the workflow actor and the run URL, whatever KCOPS_ACTOR says', () => {
    expect(resolveActor(notARepo, { ...github, KCOPS_ACTOR: 'someone-else' })).toBe(
      'octo-reviewer via GitHub Actions (https://github.com/acme/kafka-connect-configs/actions/runs/4242)',
    );
  });

  it('in GitLab CI: the user login and the job URL', () => {
    expect(
      ciActor({ GITLAB_CI: 'true', GITLAB_USER_LOGIN: 'ops-lead', CI_JOB_URL: 'https://gitlab.example/p/-/jobs/7' }),
    ).toBe('ops-lead via GitLab CI (https://gitlab.example/p/-/jobs/7)');
  });

  it('outside CI: KCOPS_ACTOR', () => {
    expect(resolveActor(notARepo, { KCOPS_ACTOR: 'alice' })).toBe('alice');
    expect(ciActor({ CI: 'true', GITHUB_ACTOR: 'x' })).toBeUndefined(); // GITHUB_ACTIONS not set: not GitHub's runner
  });
});
