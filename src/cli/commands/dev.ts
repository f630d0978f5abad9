import type { GroupSpec, OptionSpec } from '../command-spec.js';
import { command } from '../command-spec.js';

export const devGroup: GroupSpec = {
  path: ['dev'],
  summary: 'a local Kafka + Connect stack of real engines (broker, 2 workers, S3, PostgreSQL)',
};

const homeOption = {
  flags: '--home <dir>',
  description: 'dev stack home: configs, data, logs, credentials (default ~/.kcops/dev, or KCOPS_DEV_HOME)',
} as const satisfies OptionSpec;

export const devUpCommand = command({
  path: ['dev', 'up'],
  summary: 'start (or keep) the local stack and wait until it is ready',
  description:
    'Starts a KRaft broker (SASL/PLAIN + ACLs), two Connect workers in one group (basic auth, JMX exporter), an S3 server and\n' +
    'PostgreSQL with wal_level=logical, from artifacts pinned in runtime/ and resolved through Maven (cached after the first run).\n' +
    'Idempotent: components already running are left alone. Credentials go to a 0600 file and are never printed.',
  options: [
    homeOption,
    { flags: '--postgres-url <url>', description: 'use this PostgreSQL (wal_level=logical) instead of starting one' },
    { flags: '--kafka-port <port>', description: 'broker SASL listener port', integer: true },
    { flags: '--controller-port <port>', description: 'KRaft controller port', integer: true },
    { flags: '--connect-ports <p1,p2>', description: 'REST ports of worker-1 and worker-2' },
    { flags: '--metrics-ports <p1,p2>', description: 'Prometheus /metrics ports of worker-1 and worker-2' },
    { flags: '--s3-port <port>', description: 'S3 server HTTP port', integer: true },
    { flags: '--s3-https-port <port>', description: 'S3 server HTTPS port', integer: true },
    { flags: '--postgres-port <port>', description: 'embedded PostgreSQL port', integer: true },
    {
      flags: '--exactly-once-source',
      description:
        'workers with KIP-618 exactly-once source support (kept for this home; --no-exactly-once-source turns it off)',
    },
    { flags: '--no-exactly-once-source', description: 'workers without exactly-once source support (the default)' },
    {
      flags: '--log-format <format>',
      description:
        'worker log layout: text (the classic pattern) or json (one JSON document per event, connector context as fields); kept by later runs',
      choices: ['text', 'json'],
    },
    {
      flags: '--ship-logs',
      description:
        "run a log shipper (rsyslog + omelasticsearch) sending the workers' logs to Elasticsearch/OpenSearch (index kcops-connect-logs)",
      default: false,
    },
    {
      flags: '--ship-logs-to <url>',
      description: 'where --ship-logs sends them (default http://127.0.0.1:9200); implies --ship-logs',
    },
  ],
  examples: [
    {
      command: 'kcops dev up',
      description: 'start everything with default ports (29092, 28083/28084, 29090, 25432)',
    },
    {
      command: 'kcops dev up -o json',
      description: 'print the endpoints as one JSON object (for scripts and tests)',
    },
    {
      command: 'kcops dev up --postgres-url postgres://postgres@127.0.0.1:5432/postgres',
      description: 'use an existing PostgreSQL',
    },
    {
      command: 'kcops dev up --log-format json',
      description: 'workers log JSON documents (ECS fields, kafka.connect.connector); `connect logs` reads both',
    },
    {
      command: 'kcops dev up --ship-logs-to http://127.0.0.1:9200',
      description:
        "ship the workers' logs into OpenSearch; read back by `kcops connect logs` with logs: {type: elasticsearch} in kcops.observability.yaml",
    },
    {
      command: 'kcops dev up --exactly-once-source',
      description: 'source connectors write records and offsets in one transaction (read_committed sees each once)',
    },
    {
      command: 'kcops dev up --kafka-port 39092 --connect-ports 38083,38084',
      description: 'move ports that collide with something else',
    },
  ],
});

export const devDownCommand = command({
  path: ['dev', 'down'],
  summary: 'stop exactly the processes `dev up` started',
  options: [homeOption, { flags: '--purge', description: 'also delete data, logs and credentials', default: false }],
  examples: [
    { command: 'kcops dev down', description: 'stop the stack, keep data and credentials' },
    { command: 'kcops dev down --purge', description: 'stop and remove everything (the Maven cache stays)' },
  ],
});

export const devStatusCommand = command({
  path: ['dev', 'status'],
  summary: 'pid, ports and health of each process',
  options: [homeOption],
  examples: [
    { command: 'kcops dev status', description: 'a table of the processes' },
    { command: 'kcops dev status -o json', description: 'the same, machine-readable' },
  ],
});

export const devLogsCommand = command({
  path: ['dev', 'logs'],
  summary: 'show or follow the logs of the stack',
  args: [{ name: 'component', description: 'broker | worker-1 | worker-2 | s3 | postgres (default: all)' }],
  options: [
    homeOption,
    { flags: '-f, --follow', description: 'keep printing new lines', default: false },
    { flags: '-n, --lines <n>', description: 'how many lines from the end', default: 100, integer: true },
    { flags: '--connector <name>', description: 'only lines of this connector ([name|task-N] context)' },
  ],
  examples: [
    { command: 'kcops dev logs worker-1', description: 'last 100 lines of worker-1' },
    {
      command: 'kcops dev logs worker-1 --connector payments-orders-cdc -f',
      description: "follow one connector's lines",
    },
    { command: 'kcops dev logs broker -n 20 -o json', description: 'last 20 broker lines as JSON' },
  ],
});
