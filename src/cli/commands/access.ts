import type { GroupSpec, OptionSpec } from '../command-spec.js';
import { command } from '../command-spec.js';

const keyFileOption = {
  flags: '--key-file <path>',
  description:
    "the API key file the Connect workers read (kcops.access.keys.file); default KCOPS_ACCESS_KEY_FILE, else the dev stack's",
} as const satisfies OptionSpec;
const homeOption = {
  flags: '--home <dir>',
  description:
    'dev stack home whose key file to use when --key-file is not given (default ~/.kcops/dev or KCOPS_DEV_HOME)',
} as const satisfies OptionSpec;

const secretFileOption = {
  flags: '--secret-file <path>',
  description: 'where to write the new key id and secret (0600, never overwritten); default ./kcops-key-<id>.json',
} as const satisfies OptionSpec;

export const accessGroups: GroupSpec[] = [
  {
    path: ['access'],
    summary: 'per-user API keys and per-team access to self-managed Connect, and the access review (issue #15)',
  },
  {
    path: ['access', 'keys'],
    summary: 'create, list, revoke and rotate API keys (admins: whoever may write the key file)',
  },
];

export const accessKeysCreateCommand = command({
  path: ['access', 'keys', 'create'],
  summary: 'create an API key for a person or a service account; its secret goes to a 0600 file, never to the screen',
  description:
    'Only a PBKDF2 hash of the secret is stored. The workers pick the new key up within about a second. ' +
    'Send it as HTTP Basic `key id:secret` (the same way as a Confluent Cloud API key).',
  options: [
    { flags: '--principal <name>', description: 'who the key belongs to (a user or a service account)' },
    {
      flags: '--role <team=role...>',
      description: 'role on a team: viewer (read), operator (read and change), admin; repeatable',
    },
    {
      flags: '--admin',
      description: 'a global admin key (every connector, loggers, internal endpoints)',
      default: false,
    },
    { flags: '--description <text>', description: 'what the key is for' },
    secretFileOption,
    keyFileOption,
    homeOption,
  ],
  examples: [
    {
      command: 'kcops access keys create --principal alice --role payments=operator',
      description: 'Alice may read and change the payments-* connectors',
    },
    {
      command: 'kcops access keys create --principal bob --role payments=viewer --role analytics=viewer -o json',
      description: 'read-only on two teams; JSON holds the secret (shown once)',
    },
  ],
});

export const accessKeysListCommand = command({
  path: ['access', 'keys', 'list'],
  summary: 'list API keys (never their secrets or hashes)',
  options: [{ flags: '--all', description: 'include revoked keys', default: false }, keyFileOption, homeOption],
  examples: [
    { command: 'kcops access keys list', description: 'active keys, their principals and roles' },
    { command: 'kcops access keys list --all -o json', description: 'every key, revoked ones too' },
  ],
});

export const accessKeysRevokeCommand = command({
  path: ['access', 'keys', 'revoke'],
  summary: 'revoke an API key: refused by every worker within seconds',
  args: [{ name: 'key-id', description: 'the key id', required: true }],
  options: [keyFileOption, homeOption],
  examples: [{ command: 'kcops access keys revoke 7QKX2M4RZC8HJT5N', description: 'revoke one key' }],
});

export const accessKeysRotateCommand = command({
  path: ['access', 'keys', 'rotate'],
  summary: 'replace an API key by a new one with the same principal and roles',
  args: [{ name: 'key-id', description: 'the key id', required: true }],
  options: [
    { flags: '--keep-old', description: 'leave the old key active (revoke it later)', default: false },
    secretFileOption,
    keyFileOption,
    homeOption,
  ],
  examples: [
    { command: 'kcops access keys rotate 7QKX2M4RZC8HJT5N', description: 'new key now, old one revoked' },
    {
      command: 'kcops access keys rotate 7QKX2M4RZC8HJT5N --keep-old',
      description: 'both work until you revoke the old one',
    },
  ],
});

export const accessReviewCommand = command({
  path: ['access', 'review'],
  summary:
    'quarterly access review: every principal and key, its rights and what it may touch; flags old, unused and too-broad access',
  description:
    'Self-managed: the Connect access extension key store (admin key; last use recorded to the minute by the workers) and the Kafka ACLs (kcops.yaml `kafka`). ' +
    'Confluent Cloud: IAM v2 API keys, service accounts, users, the role bindings of the organisation and environment, and the ACLs when `kafka.restEndpoint` is given. ' +
    'Flags keys older than access.keyRotationDays (90), keys unused for access.unusedKeyDays (90) or never used after 7 days, ' +
    'ACLs and role bindings wider than the team prefix (on `*`, a shorter prefix, another team), and Cloud end users (u-...) ' +
    'holding console roles on the organisation, environment or cluster (REQ-SEC-002) unless listed in access.consoleUsers. ' +
    'Exit code 6 when anything is flagged (a CI job fails and keeps the report), 0 when nothing is; --no-fail-on-findings always exits 0 on a completed review.',
  options: [
    {
      flags: '--key-rotation-days <days>',
      description: 'flag keys older than this (default: access.keyRotationDays of kcops.yaml, else 90)',
      integer: true,
    },
    {
      flags: '--unused-key-days <days>',
      description: 'flag keys not used for this long (default: access.unusedKeyDays, else 90)',
      integer: true,
    },
    {
      flags: '--no-fail-on-findings',
      description: 'exit 0 even when something is flagged (a report-only run)',
    },
  ],
  extraOutputs: ['markdown', 'csv'],
  examples: [
    { command: 'kcops access review --env prod', description: 'principals, keys, rights and findings as tables' },
    {
      command: 'kcops access review --env prod -o markdown > access-review-2026Q4.md',
      description: 'the quarterly report to file or attach to a ticket (exit 6 when something is flagged)',
    },
    {
      command: 'kcops access review --env prod -o csv > keys.csv',
      description: 'one row per key and per principal without a key, for a spreadsheet',
    },
    {
      command: 'kcops access review --env prod -o json --no-fail-on-findings',
      description: 'everything as JSON, exit 0 whatever is flagged',
    },
  ],
});
