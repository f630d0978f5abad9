import { command } from '../command-spec.js';

export const monitorCommand = command({
  path: ['monitor'],
  summary: 'watch environments as a service: alert by rules, restart failed tasks, serve /metrics and probes',
  description:
    'Runs `alerts check` as a long-lived service for --env (repeat --env to watch several environments in one\n' +
    'process, each with its own state and lease): one collection of each cluster per --interval (one\n' +
    'request whatever the number of connectors), alerts sent once per failure and resolved on recovery through the\n' +
    "environment's destinations in kcops.observability.yaml, state kept in .kcops/alerts/<env>.json across restarts.\n" +
    'Only one monitor per environment alerts: the holder of a lease file beside the state (renewed every round, taken\n' +
    'over when it runs out or is released); others wait as standbys. SIGTERM or Ctrl-C ends the current round, saves\n' +
    'the state and releases the lease. --listen serves /healthz (the loop turns), /readyz (this instance alerts and\n' +
    'its last round succeeded) and /metrics (Prometheus: connector and task states, open alerts, rounds, deliveries).\n' +
    'Output: one line per round (JSON lines with -o json). --once: one round and exit, like `alerts check`.\n' +
    'Exit code: 0 stopped by a signal, or --once and healthy; 1 --once with an open alert or a failed round; 2 usage.',
  options: [
    { flags: '--interval <duration>', description: 'time between rounds (10s, 1m)', default: '30s' },
    {
      flags: '--listen <host:port>',
      description: 'serve /healthz, /readyz and /metrics here (port 0: any free port, printed at start)',
    },
    { flags: '--once', description: 'one round, then exit (for cron)', default: false },
    {
      flags: '--lease-ttl <duration>',
      description: 'how long a lease lasts without renewal before a standby takes over (default: 3 x --interval)',
    },
  ],
  examples: [
    {
      command: 'kcops monitor --env prod --listen 0.0.0.0:9465',
      description: 'the service (in a container: probes on /healthz and /readyz, Prometheus on /metrics)',
    },
    { command: 'kcops monitor --env prod --once -o json', description: 'one round from cron, as one JSON document' },
    {
      command: 'kcops monitor --env prod --env staging --listen 0.0.0.0:9465',
      description: 'two environments in one process (rules, routing and auto-restart: docs/episodes/09)',
    },
    { command: 'kcops monitor --env prod --interval 1m -o json', description: 'JSON lines, one per round' },
  ],
});
