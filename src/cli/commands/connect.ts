import type { ArgSpec, GroupSpec, OptionSpec } from '../command-spec.js';
import { command } from '../command-spec.js';
import { LOG_SOURCE_CHOICES } from '../../core/observe/log-source-choices.js';

/** pause/resume/stop wait for the state they asked for: Confluent Cloud's pause and resume take effect later. */
const stateWait = {
  flags: '--wait-timeout <duration>',
  description:
    'how long to wait for the requested state (30s, 2m; default 60s); Confluent Cloud moves it asynchronously',
} as const satisfies OptionSpec;

export const connectGroups: GroupSpec[] = [
  {
    path: ['connect'],
    summary:
      'day-2 operations on the connectors of an environment (status, lifecycle, offsets, plugins, logs, metrics)',
  },
  {
    path: ['connect', 'offsets'],
    summary: "read and change a connector's offsets (KIP-875; the connector must be STOPPED to change them)",
  },
  { path: ['connect', 'plugins'], summary: 'connector plugins installed on the cluster' },
  {
    path: ['connect', 'cluster'],
    summary: 'Confluent CLI verbs (`confluent connect cluster ...`) mapped onto kcops for users who know them',
  },
];
const name = { name: 'name', description: 'connector name', required: true } as const satisfies ArgSpec;
const approve = {
  flags: '--approve',
  description: 'confirm a destructive change (required)',
  default: false,
} as const satisfies OptionSpec;

const ENV_NOTE =
  'The environment comes from --env (kcops.yaml); outside a repository, the local stack of `kcops dev up`.\n' +
  'Outside the dev environment, every change is audited and will show as drift until it is committed to Git.';

export const connectListCommand = command({
  path: ['connect', 'list'],
  summary: 'connectors with state, task counts, type and class (one REST call)',
  description:
    'Lists the connectors of the environment from a single `?expand=status&expand=info` request.\n' + ENV_NOTE,
  options: [
    { flags: '--name <text>', description: 'only names containing this text' },
    { flags: '--regex <re>', description: 'only names matching this regular expression' },
    {
      flags: '--state <state>',
      description: 'only connectors (or with tasks) in this state, e.g. FAILED, RUNNING, PAUSED, STOPPED',
    },
  ],
  examples: [
    { command: 'kcops connect list', description: 'every connector of the local dev stack' },
    { command: 'kcops connect list --env prod --state FAILED', description: 'what is broken in prod' },
    {
      command: 'kcops connect list --regex "^payments-" -o json',
      description: "one team's connectors, machine-readable",
    },
  ],
});

export const connectDescribeCommand = command({
  path: ['connect', 'describe'],
  summary: 'config (secrets masked), tasks, workers, topics in use and traces of failed tasks',
  args: [name],
  examples: [
    { command: 'kcops connect describe payments-orders-cdc', description: 'everything about one connector' },
    { command: 'kcops connect describe payments-orders-cdc -o json', description: 'the same as JSON' },
  ],
});

export const connectDlqCommand = command({
  path: ['connect', 'dlq'],
  summary: "a sink's dead letter queue: record count, first records and their error context headers",
  description:
    "Finds the DLQ topic in the connector's config (errors.deadletterqueue.topic.name) and reads it from the start\n" +
    "with the environment's Kafka credentials: the count, the first --limit records (key, value, and the\n" +
    '__connect.errors.* headers: stage, class, exception, the original topic/partition/offset), and how many per\n' +
    'exception. Credentials inside values and headers are masked. Reads only: nothing is committed or deleted.\n' +
    ENV_NOTE,
  args: [name],
  options: [{ flags: '--limit <n>', description: 'records to show', default: 10, integer: true }],
  examples: [
    { command: 'kcops connect dlq payments-orders-jdbc-sink', description: 'what the sink could not write, and why' },
    { command: 'kcops connect dlq payments-orders-jdbc-sink --env dev --limit 100 -o json', description: 'as JSON' },
  ],
});

export const connectStatusCommand = command({
  path: ['connect', 'status'],
  summary: 'state of the connector and each task; exit 1 when anything failed',
  args: [name],
  examples: [
    { command: 'kcops connect status payments-orders-cdc', description: 'connector and task states' },
    {
      command: 'kcops connect status payments-orders-cdc -o json',
      description: 'for scripts (exit code 1 when FAILED)',
    },
  ],
});

export const connectPauseCommand = command({
  path: ['connect', 'pause'],
  summary: 'pause a connector and its tasks (they keep their assignment)',
  args: [name],
  options: [stateWait],
  examples: [
    { command: 'kcops connect pause payments-orders-sink', description: 'pause while a database is maintained' },
  ],
});

export const connectResumeCommand = command({
  path: ['connect', 'resume'],
  summary: 'resume a paused or stopped connector',
  args: [name],
  options: [stateWait],
  examples: [{ command: 'kcops connect resume payments-orders-sink', description: 'run again after a pause or stop' }],
});

export const connectStopCommand = command({
  path: ['connect', 'stop'],
  summary: 'stop a connector: its tasks are shut down and freed (needed before changing offsets)',
  args: [name],
  options: [stateWait],
  examples: [{ command: 'kcops connect stop payments-orders-cdc', description: 'stop before `connect offsets alter`' }],
});

export const connectRestartCommand = command({
  path: ['connect', 'restart'],
  summary: 'restart a connector (and its tasks), only the failed parts, or every failed connector',
  description:
    "Restarts through Connect's restart API and waits (at most 15 s) until nothing is RESTARTING, then shows the states.\n" +
    '--failed-only restarts only FAILED instances; --include-tasks extends the restart to the tasks; --all-failed restarts\n' +
    'the failed connectors and tasks of the whole environment. Exit 1 when something is still FAILED afterwards.\n' +
    ENV_NOTE,
  args: [{ name: 'name', description: 'connector name (omit with --all-failed)' }],
  options: [
    { flags: '--failed-only', description: 'restart only what is FAILED', default: false },
    { flags: '--include-tasks', description: 'restart the tasks as well as the connector', default: false },
    { flags: '--all-failed', description: 'every connector that failed or has a failed task', default: false },
  ],
  examples: [
    {
      command: 'kcops connect restart payments-orders-cdc --include-tasks --failed-only',
      description: 'restart only the failed tasks',
    },
    {
      command: 'kcops connect restart payments-orders-cdc --include-tasks',
      description: 'restart the connector and all its tasks',
    },
    {
      command: 'kcops connect restart --all-failed --env prod',
      description: 'after an outage: everything that failed',
    },
  ],
});

export const connectDeleteCommand = command({
  path: ['connect', 'delete'],
  summary: 'delete a connector (needs --approve; in GitOps environments delete its file instead)',
  args: [name],
  options: [approve],
  examples: [
    {
      command: 'kcops connect delete payments-scratch --approve',
      description: 'remove a connector from the dev stack',
    },
  ],
});

export const connectOffsetsGetCommand = command({
  path: ['connect', 'offsets', 'get'],
  summary: "the connector's committed offsets (source partitions, or topic-partitions for sinks)",
  args: [name],
  examples: [
    { command: 'kcops connect offsets get payments-orders-cdc', description: 'a table of partitions and offsets' },
    {
      command: 'kcops connect offsets get payments-orders-cdc -o json > offsets.json',
      description: 'a file to edit for `offsets alter`',
    },
  ],
});

export const connectOffsetsAlterCommand = command({
  path: ['connect', 'offsets', 'alter'],
  summary: 'set offsets from a file (the connector must be STOPPED)',
  args: [name],
  options: [
    {
      flags: '--offsets-file <file>',
      description: 'JSON {"offsets":[{"partition":{..},"offset":{..}}]} (as `offsets get -o json` prints)',
    },
  ],
  examples: [
    {
      command: 'kcops connect offsets alter payments-orders-file --offsets-file offsets.json',
      description: 'replay from the offsets in the file',
    },
  ],
});

export const connectOffsetsResetCommand = command({
  path: ['connect', 'offsets', 'reset'],
  summary: 'forget all offsets, so the connector starts from scratch (STOPPED; needs --approve)',
  args: [name],
  options: [approve],
  examples: [
    {
      command: 'kcops connect offsets reset payments-orders-file --approve',
      description: 're-read everything on the next start',
    },
  ],
});

export const connectPluginsListCommand = command({
  path: ['connect', 'plugins', 'list'],
  summary: 'installed plugins: class, type and version',
  options: [
    { flags: '--all', description: 'also converters, transforms, predicates and config providers', default: false },
    {
      flags: '--type <type>',
      description: 'only this type (source, sink, converter, transformation, predicate, ...)',
    },
  ],
  examples: [
    { command: 'kcops connect plugins list', description: 'source and sink connectors installed on the workers' },
    { command: 'kcops connect plugins list --all -o json', description: 'every plugin, machine-readable' },
  ],
});

export const connectPluginsDescribeCommand = command({
  path: ['connect', 'plugins', 'describe'],
  summary: "a plugin's configuration definitions (name, type, default, importance, documentation)",
  args: [
    {
      name: 'class',
      description: 'plugin class, full or simple name (e.g. FileStreamSinkConnector)',
      required: true,
    },
  ],
  options: [{ flags: '--required', description: 'only keys without a default that must be set', default: false }],
  examples: [
    {
      command: 'kcops connect plugins describe io.debezium.connector.postgresql.PostgresConnector',
      description: 'what a Debezium source accepts',
    },
    {
      command: 'kcops connect plugins describe FileStreamSinkConnector --required',
      description: 'the keys you must set',
    },
  ],
});

export const connectLogsCommand = command({
  path: ['connect', 'logs'],
  summary: "one connector's log lines (by its [name|task-N] context), stack traces kept, categories marked",
  description:
    "Reads the environment's log source (worker files; CloudWatch Logs or Elasticsearch when configured) and keeps only the\n" +
    "lines logged in this connector's context. Each entry is marked with the categories of REQ-MON-001: lifecycle\n" +
    '(start-up/shutdown), error, rebalance, throughput. Look-back depends on the source (files: what log rotation kept;\n' +
    'CloudWatch: the log group retention, with windows over 1 h read through Logs Insights, billed per GB scanned).\n' +
    'An environment may list several log sources (the first is the default); --source picks another by its type.',
  args: [name],
  options: [
    { flags: '--since <when>', description: 'from this long ago (10m, 2h, 1d) or this time (ISO-8601)' },
    { flags: '--until <when>', description: 'up to this long ago or this time' },
    { flags: '--level <level>', description: 'minimum level: ERROR, WARN, INFO, DEBUG' },
    {
      flags: '--grep <re>',
      description: 'only entries matching this regular expression (case-insensitive; stack traces included)',
    },
    { flags: '--task <n>', description: 'only this task', integer: true },
    { flags: '--category <c>', description: 'only lifecycle | error | rebalance | throughput (comma-separated)' },
    {
      flags: '--worker-events',
      description: 'add untagged worker lines (rebalances, assignments) naming the connector',
      default: false,
    },
    { flags: '-n, --lines <n>', description: 'at most this many entries (the newest)', default: 200, integer: true },
    { flags: '-f, --follow', description: 'keep printing new entries until Ctrl-C', default: false },
    {
      flags: '--source <type>',
      description:
        "read this log source instead of the environment's default (the first of its observability logs); " +
        'confluent-cloud: the Cloud logs API',
      choices: LOG_SOURCE_CHOICES,
    },
  ],
  examples: [
    { command: 'kcops connect logs payments-orders-cdc --since 10m', description: 'the last ten minutes' },
    {
      command: 'kcops connect logs payments-orders-cdc --env prod --source elasticsearch --since 2d',
      description: 'from Elasticsearch although CloudWatch is the default (logs lists both)',
    },
    {
      command: 'kcops connect logs payments-orders-cdc --level ERROR --task 0',
      description: "task 0's errors with their stack traces",
    },
    { command: 'kcops connect logs payments-orders-cdc -f', description: 'follow new lines' },
    {
      command: 'kcops connect logs payments-orders-cdc --grep "snapshot" -o json',
      description: 'one JSON object per entry (with -f: JSON lines)',
    },
  ],
});

export const connectMetricsCommand = command({
  path: ['connect', 'metrics'],
  summary: 'records processed, rates, errors/DLQ, task status and lag of one connector',
  description:
    "Source: polled and written records; sink: read and put records. Counters come from the workers' Prometheus JMX\n" +
    'exporter endpoints; sink lag from the consumer group connect-<name> (committed vs. end offsets, per partition);\n' +
    'source positions from the offsets API. --watch refreshes a compact view with sparklines of the rates.',
  args: [name],
  options: [
    { flags: '-w, --watch', description: 'refresh until Ctrl-C', default: false },
    { flags: '--interval <s>', description: 'seconds between refreshes with --watch', default: 5, integer: true },
    { flags: '--no-lag', description: 'skip the Kafka lag lookup' },
  ],
  examples: [
    { command: 'kcops connect metrics payments-orders-sink', description: 'counters, errors and lag now' },
    { command: 'kcops connect metrics payments-orders-sink --watch', description: 'a live view' },
    { command: 'kcops connect metrics payments-orders-sink -o json', description: 'for scripts and dashboards' },
  ],
});
const ccFlags = [
  {
    flags: '--environment <id>',
    description:
      'as in the Confluent CLI: a kcops environment name, or the Confluent Cloud environment id (env-...) one declares; same as --env',
  },
  {
    flags: '--cluster <id>',
    description:
      'as in the Confluent CLI: a kcops environment name, or the Kafka cluster id (lkc-...) one declares; same as --env',
  },
] as const satisfies readonly OptionSpec[];
const ids = {
  name: 'name',
  description: 'connector names (the Confluent CLI says ids; kcops uses names)',
  required: true,
  variadic: true,
} as const satisfies ArgSpec;
const CC_NOTE = 'Mirrors `confluent connect cluster` (docs/reference/confluent-cli-mapping.md). ' + ENV_NOTE;

/** `confluent connect cluster ...` verbs (REQ-DEPLOY-001), on the same core operations and audit log. */
export const connectClusterCreateCommand = command({
  path: ['connect', 'cluster', 'create'],
  summary: 'create a connector from a JSON file (`confluent connect cluster create --config-file`)',
  description:
    'The file is {"name": N, "config": {...}} with optional "offsets": [...] (then the connector is created STOPPED, its\n' +
    'offsets are set and it is resumed), or a flat map of keys including "name". Fails when the connector exists.\n' +
    CC_NOTE,
  options: [{ flags: '--config-file <file>', description: 'REQUIRED: JSON connector configuration file' }, ...ccFlags],
  examples: [
    {
      command: 'kcops connect cluster create --config-file config.json',
      description: 'create in the local dev stack',
    },
    {
      command: 'kcops connect cluster create --config-file config.json --cluster lkc-123456',
      description: 'in the environment whose Kafka cluster is lkc-123456',
    },
  ],
});

export const connectClusterUpdateCommand = command({
  path: ['connect', 'cluster', 'update'],
  summary: "replace a connector's configuration from a file and/or override keys (`--config k=v,...`)",
  description:
    '--config-file replaces the whole configuration; --config "k1=v1,k2=v2" overrides keys of the file, or of the stored\n' +
    'configuration when no file is given (refused if the cluster only shows masked values for kept secrets).\n' +
    CC_NOTE,
  args: [{ name: 'name', description: 'connector name', required: true }],
  options: [
    { flags: '--config-file <file>', description: 'JSON connector configuration file' },
    { flags: '--config <k=v,...>', description: 'comma-separated configuration overrides ("key=value")' },
    ...ccFlags,
  ],
  examples: [
    {
      command: 'kcops connect cluster update payments-orders-sink --config-file config.json',
      description: 'new configuration from a file',
    },
    {
      command: 'kcops connect cluster update payments-orders-sink --config "tasks.max=2"',
      description: 'change one key',
    },
  ],
});

export const connectClusterDeleteCommand = command({
  path: ['connect', 'cluster', 'delete'],
  summary: 'delete one or more connectors (needs --force: there is no prompt)',
  args: [ids],
  options: [
    { flags: '--force', description: 'skip the confirmation (required: kcops does not prompt here)', default: false },
    ...ccFlags,
  ],
  examples: [
    {
      command: 'kcops connect cluster delete payments-scratch-1 payments-scratch-2 --force',
      description: 'remove two connectors',
    },
  ],
});

export const connectClusterDescribeCommand = command({
  path: ['connect', 'cluster', 'describe'],
  summary: 'connector details, task states and configuration (secrets masked)',
  args: [{ name: 'name', description: 'connector name', required: true }],
  options: ccFlags,
  examples: [
    {
      command: 'kcops connect cluster describe payments-orders-sink -o json',
      description: '{connector, tasks, configs}',
    },
  ],
});

export const connectClusterListCommand = command({
  path: ['connect', 'cluster', 'list'],
  summary: 'connectors with status, type and trace (one REST call)',
  options: ccFlags,
  examples: [
    { command: 'kcops connect cluster list', description: 'the local dev stack' },
    { command: 'kcops connect cluster list --environment prod -o json', description: 'machine-readable' },
  ],
});

export const connectClusterPauseCommand = command({
  path: ['connect', 'cluster', 'pause'],
  summary: 'pause one or more connectors',
  args: [ids],
  options: [...ccFlags, stateWait],
  examples: [{ command: 'kcops connect cluster pause payments-a payments-b', description: 'pause two connectors' }],
});

export const connectClusterResumeCommand = command({
  path: ['connect', 'cluster', 'resume'],
  summary: 'resume one or more connectors',
  args: [ids],
  options: [...ccFlags, stateWait],
  examples: [{ command: 'kcops connect cluster resume payments-a payments-b', description: 'resume two connectors' }],
});
