import type { GroupSpec } from '../command-spec.js';
import { command } from '../command-spec.js';

export const alertsGroup: GroupSpec = {
  path: ['alerts'],
  summary: 'alert email, Slack, Teams, PagerDuty and Opsgenie when connectors or tasks fail',
};

export const alertsCheckCommand = command({
  path: ['alerts', 'check'],
  summary: 'find FAILED connectors and tasks and alert the destinations of the environment, once per failure',
  description:
    "Reads every connector's status (one request), keeps those matching alerts.connectors, and finds connectors and\n" +
    'tasks FAILED (with the first lines of the trace) and, with alerts.unassignedAfter, connectors UNASSIGNED that long.\n' +
    'Destinations come from alerts: of the environment in kcops.observability.yaml. A new failure is sent once; a\n' +
    'recovered one is resolved (PagerDuty incident resolved, Opsgenie alert closed, a "recovered" message elsewhere). What was delivered is\n' +
    'remembered in .kcops/alerts/<env>.json (KCOPS_ALERT_STATE_DIR moves it): keep it between runs.\n' +
    'Exit code: 0 all healthy, 1 a failure is open or a destination could not be reached (the others are still sent).',
  options: [
    {
      flags: '--dry-run',
      description: 'print what would be sent, secrets masked; send nothing, keep the state',
      default: false,
    },
    { flags: '-w, --watch', description: 'check again every --interval until Ctrl-C', default: false },
    { flags: '--interval <duration>', description: 'time between checks with --watch (30s, 5m)', default: '30s' },
  ],
  examples: [
    { command: 'kcops alerts check --env prod', description: 'one check, e.g. from cron or a scheduled CI job' },
    { command: 'kcops alerts check --env prod --dry-run', description: 'what would be sent, secrets masked' },
    { command: 'kcops alerts check --env prod --watch --interval 1m', description: 'keep checking' },
    { command: 'kcops alerts check --env prod -o json', description: 'open alerts and deliveries as JSON' },
  ],
});
