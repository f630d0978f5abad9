import type { GroupSpec, OptionSpec } from '../command-spec.js';
import { command } from '../command-spec.js';

export const auditGroup: GroupSpec = {
  path: ['audit'],
  summary: 'the hash-chained audit log of every connector change',
};

const detailedExitcode = {
  flags: '--detailed-exitcode',
  description: 'exit 3 when there are changes, 0 when none, 1 on error',
  default: false,
} as const satisfies OptionSpec;
const refreshSecrets = {
  flags: '--refresh-secrets',
  description:
    'also read the secrets kcops resolves (Confluent Cloud) and propose an update where a value changed in its store since the last apply (keyed hashes in .kcops/secret-state/, never values)',
  default: false,
} as const satisfies OptionSpec;
const deployOptions = [
  refreshSecrets,
  {
    flags: '--auto-approve',
    description: 'apply without asking (needed without a terminal, e.g. in CI)',
    default: false,
  },
  { flags: '--prune', description: 'delete in-scope connectors that Git no longer declares', default: false },
  {
    flags: '--approve-delete <name...>',
    description: 'approve the deletion of these connectors (every deleted one must be named)',
  },
  {
    flags: '--concurrency <n>',
    description:
      'changes sent at once (requests in flight); all are then waited for together (default: deploy.concurrency in kcops.yaml, else 64)',
    integer: true,
  },
  {
    flags: '--wait-timeout <duration>',
    description:
      'how long the changed connectors may take, together, to be healthy (90s, 2m; default: deploy.waitTimeout in kcops.yaml, else 120s)',
  },
  {
    flags: '--settle <duration>',
    description:
      'how long each changed connector and its tasks must stay healthy, from when first seen healthy (default: deploy.settle in kcops.yaml, else 2s)',
  },
  { flags: '--no-rollback', description: 'on failure, leave the cluster as it is instead of undoing this apply' },
  {
    flags: '--lock-timeout <duration>',
    description:
      'how long to wait for another apply or rollback of the same environment to finish (0s: fail at once, naming who holds the lock)',
    default: '0s',
  },
] as const satisfies readonly OptionSpec[];

export const planCommand = command({
  path: ['plan'],
  summary: 'what apply would change: Git (connectors/<env>/) against the cluster',
  description:
    'Reads the connector files of the environment and the cluster (one request), normalises both (server-added keys,\n' +
    'defaults and masked secrets never count) and lists per connector: create, update, delete, pause, resume, stop or none,\n' +
    'with per-field changes. Secret values never appear; a changed one shows as "(sensitive value changed)".\n' +
    'Connectors outside the ownership scope (teams.*.prefixes) are listed as unmanaged and never touched.\n' +
    'Exit code: 0 (with --detailed-exitcode: 0 no changes, 3 changes), 1 error, 2 usage.',
  options: [
    {
      flags: '--out <file>',
      description: 'write the plan (formatVersion 1, fingerprinted) for `kcops apply <file>`',
    },
    { flags: '--prune', description: 'also propose deleting in-scope connectors missing from Git', default: false },
    refreshSecrets,
    detailedExitcode,
  ],
  extraOutputs: ['markdown'],
  examples: [
    { command: 'kcops plan --env dev', description: 'show what would change' },
    {
      command: 'kcops plan --env staging -o markdown > plan.md',
      description: 'a pull-request comment: summary table, per-connector diffs in collapsible sections, no secret',
    },
    {
      command: 'kcops plan --env prod --out plan.json --detailed-exitcode',
      description: 'save the plan for review; exit 3 if it changes anything',
    },
    { command: 'kcops plan --env prod -o json', description: 'the plan as JSON (the same shape as the plan file)' },
    {
      command: 'kcops plan --env prod --refresh-secrets',
      description: 'also propose updates for secrets rotated in their store (apply with --refresh-secrets too)',
    },
  ],
});

export const applyCommand = command({
  path: ['apply'],
  summary: 'make the cluster match Git, wait until healthy, roll back on failure',
  description:
    'Applies a fresh plan, or the saved plan given (refused when the cluster or the files changed since it was made).\n' +
    'Asks for confirmation on a terminal; without one it needs --auto-approve and never waits for input.\n' +
    'Every change is sent at once (at most --concurrency in flight), then all are waited for together (one cluster\n' +
    'listing per poll round) until each connector and all its tasks reach the desired state and stay there for --settle.\n' +
    'A failure or timeout rolls back what this apply verifiably did (previous config and state restored, connectors it\n' +
    'created deleted); a connector someone else created or changed meanwhile is left alone and reported as a conflict.\n' +
    'Every change is appended to the audit log.\n' +
    'Exit code: 0 applied or nothing to do, 4 failed and rolled back, 5 a Confluent Cloud connector still provisioning\n' +
    '(nothing rolled back; apply again later), 1 error (or failed without/with incomplete rollback), 2 usage.',
  args: [{ name: 'plan-file', description: 'a plan written by `kcops plan --out` (default: plan now)' }],
  options: deployOptions,
  examples: [
    { command: 'kcops apply --env dev', description: 'plan, confirm on the terminal, apply' },
    {
      command: 'kcops apply --env prod plan.json --auto-approve',
      description: 'CI: apply the reviewed plan, refused if stale',
    },
    {
      command: 'kcops apply --env prod --prune --approve-delete payments-old-sink --auto-approve',
      description: 'also delete one connector removed from Git',
    },
    { command: 'kcops apply --env dev --auto-approve -o json', description: 'typed per-connector outcomes as JSON' },
  ],
});

export const driftCommand = command({
  path: ['drift'],
  summary: 'differences between Git and the cluster (hand edits, connectors created outside Git)',
  description: 'Exit code: 0 (with --detailed-exitcode: 0 no drift, 3 drift, for scheduled CI), 1 error, 2 usage.',
  options: [detailedExitcode],
  examples: [
    { command: 'kcops drift --env prod', description: 'what differs and how' },
    {
      command: 'kcops drift --env prod --detailed-exitcode -o json',
      description: 'scheduled CI job: exit 3 when something drifted',
    },
  ],
});

export const rollbackCommand = command({
  path: ['rollback'],
  summary: 'deploy the connector files as they were at a Git revision',
  description:
    'Plans connectors/<env>/ at <git-ref> against the cluster, shows the plan, then applies it like `kcops apply`.',
  options: [
    { flags: '--to <git-ref>', description: 'commit, tag or branch to go back to (see `kcops history`)' },
    ...deployOptions,
  ],
  examples: [
    { command: 'kcops rollback --env prod --to HEAD~1', description: 'go back one commit (asks first)' },
    { command: 'kcops rollback --env prod --to v1.4.0 --auto-approve -o json', description: 'CI: back to a tag' },
  ],
});

export const historyCommand = command({
  path: ['history'],
  summary: 'past deployments from the audit log: who, when, Git commit, what changed, outcome',
  description:
    "With --env, also the changes the Connect workers recorded themselves (the access extension's audit files:\n" +
    'serverAudit in kcops.observability.yaml, automatic for the dev stack), merged by time: requests made around\n' +
    "kcops (curl, scripts) show as source: server with the principal the workers authenticated; kcops' own changes\n" +
    'show once, with the number of worker records that confirm them (serverRecords).',
  examples: [
    { command: 'kcops history --env prod', description: 'newest first' },
    { command: 'kcops history --env prod -o json', description: 'machine-readable' },
    {
      command: 'kcops history --env dev -o json | jq \'.deployments[] | select(.source == "server")\'',
      description: 'only the changes made straight against the workers',
    },
  ],
});

export const auditVerifyCommand = command({
  path: ['audit', 'verify'],
  summary: 'check the audit log hash chain: altered, removed or truncated records',
  args: [
    {
      name: 'file',
      description: 'audit log (default: .kcops/audit/audit.jsonl of the repository, or KCOPS_AUDIT_FILE)',
    },
  ],
  description:
    'Checks the SHA-256 chain, the head (<log>.head) and, with audit.hmacKey in kcops.yaml, the HMAC of every signed\n' +
    'record and of the head. See docs/reference/audit.md for what this detects and what it cannot.\n' +
    'Exit code: 0 intact, 1 tampered with or no log at the path.',
  options: [
    {
      flags: '--require-hmac',
      description: 'fail unless the head is signed with the key (a log stripped of every HMAC fails too)',
      default: false,
    },
    {
      flags: '--since <git-ref>',
      description:
        'also check that the log extends the one committed at this revision (e.g. origin/main): a cut tail with an older head put back fails',
    },
  ],
  examples: [
    { command: 'kcops audit verify', description: 'exit 0 when intact, 1 when tampered with' },
    { command: 'kcops audit verify /mnt/audit/audit.jsonl -o json', description: 'a copied log, machine-readable' },
    {
      command: 'git fetch origin && kcops audit verify --since origin/main --require-hmac',
      description: 'in CI: the log still holds every record the protected branch has',
    },
  ],
});

export const auditPublishCommand = command({
  path: ['audit', 'publish'],
  summary: "copy audit records to the environment's audit topic again (after a failed publish)",
  description:
    'Publishes the records of --env from the audit file to environments.<env>.audit.topic, in order, as the same JSONL\n' +
    'lines. The file must pass `kcops audit verify` first. Records already on the topic are published again:\n' +
    'consumers recognise duplicates by seq and hash.',
  options: [
    { flags: '--from-seq <n>', description: 'first record (seq) to publish', integer: true },
    { flags: '--to-seq <n>', description: 'last record (seq) to publish', integer: true },
    { flags: '--dry-run', description: 'say what would be published, publish nothing', default: false },
  ],
  examples: [
    {
      command: 'kcops audit publish --env prod --from-seq 41 --to-seq 43',
      description: 'the records a warning said were not published',
    },
    { command: 'kcops audit publish --env prod --dry-run -o json', description: 'what would go to the topic' },
  ],
});
