import { bind, type CommandSpec, type GroupSpec } from '../command-spec.js';
import {
  accessGroups,
  accessKeysCreateCommand,
  accessKeysListCommand,
  accessKeysRevokeCommand,
  accessKeysRotateCommand,
} from './access.js';
import { alertsCheckCommand, alertsGroup } from './alerts.js';
import {
  connectClusterCreateCommand,
  connectClusterDeleteCommand,
  connectClusterDescribeCommand,
  connectClusterListCommand,
  connectClusterPauseCommand,
  connectClusterResumeCommand,
  connectClusterUpdateCommand,
  connectDeleteCommand,
  connectDescribeCommand,
  connectGroups,
  connectListCommand,
  connectLogsCommand,
  connectMetricsCommand,
  connectOffsetsAlterCommand,
  connectOffsetsGetCommand,
  connectOffsetsResetCommand,
  connectPauseCommand,
  connectPluginsDescribeCommand,
  connectPluginsListCommand,
  connectRestartCommand,
  connectResumeCommand,
  connectStatusCommand,
  connectStopCommand,
} from './connect.js';
import { convertCommand, promoteCommand } from './convert.js';
import { devDownCommand, devGroup, devLogsCommand, devStatusCommand, devUpCommand } from './dev.js';
import { doctorCommand } from './doctor.js';
import {
  applyCommand,
  auditGroup,
  auditPublishCommand,
  auditVerifyCommand,
  driftCommand,
  historyCommand,
  planCommand,
  rollbackCommand,
} from './gitops.js';
import { monitorCommand } from './monitor.js';
import { initCommand, newCommand } from './scaffold.js';
import { validateCommand } from './validate.js';

/** Handler modules, imported only when one of their commands runs (so `kcops --help` loads none). */
const handlers = {
  access: () => import('../handlers/access.js'),
  alerts: () => import('../handlers/alerts.js'),
  auditPublish: () => import('../handlers/audit-publish.js'),
  connect: () => import('../handlers/connect.js'),
  connectCluster: () => import('../handlers/connect-cluster.js'),
  convert: () => import('../handlers/convert.js'),
  dev: () => import('../handlers/dev.js'),
  doctor: () => import('../handlers/doctor.js'),
  gitops: () => import('../handlers/gitops.js'),
  monitor: () => import('../handlers/monitor.js'),
  scaffold: () => import('../handlers/scaffold.js'),
  validate: () => import('../handlers/validate.js'),
};

/** Every command kcops has: each declaration (src/cli/commands/*) bound to its handler, in help order. */
export const groups: GroupSpec[] = [devGroup, auditGroup, ...connectGroups, alertsGroup, ...accessGroups];
export const commands: CommandSpec[] = [
  bind(devUpCommand, async () => (await handlers.dev()).up),
  bind(devDownCommand, async () => (await handlers.dev()).down),
  bind(devStatusCommand, async () => (await handlers.dev()).status),
  bind(devLogsCommand, async () => (await handlers.dev()).logs),
  bind(validateCommand, async () => (await handlers.validate()).validate),
  bind(initCommand, async () => (await handlers.scaffold()).init),
  bind(newCommand, async () => (await handlers.scaffold()).newConnector),
  bind(connectListCommand, async () => (await handlers.connect()).list),
  bind(connectDescribeCommand, async () => (await handlers.connect()).describe),
  bind(connectStatusCommand, async () => (await handlers.connect()).status),
  bind(connectPauseCommand, async () => (await handlers.connect()).pause),
  bind(connectResumeCommand, async () => (await handlers.connect()).resume),
  bind(connectStopCommand, async () => (await handlers.connect()).stop),
  bind(connectRestartCommand, async () => (await handlers.connect()).restart),
  bind(connectDeleteCommand, async () => (await handlers.connect()).remove),
  bind(connectOffsetsGetCommand, async () => (await handlers.connect()).offsetsGet),
  bind(connectOffsetsAlterCommand, async () => (await handlers.connect()).offsetsAlter),
  bind(connectOffsetsResetCommand, async () => (await handlers.connect()).offsetsReset),
  bind(connectPluginsListCommand, async () => (await handlers.connect()).pluginsList),
  bind(connectPluginsDescribeCommand, async () => (await handlers.connect()).pluginsDescribe),
  bind(connectLogsCommand, async () => (await handlers.connect()).logs),
  bind(connectMetricsCommand, async () => (await handlers.connect()).metrics),
  bind(connectClusterCreateCommand, async () => (await handlers.connectCluster()).create),
  bind(connectClusterUpdateCommand, async () => (await handlers.connectCluster()).update),
  bind(connectClusterDeleteCommand, async () => (await handlers.connectCluster()).remove),
  bind(connectClusterDescribeCommand, async () => (await handlers.connectCluster()).describe),
  bind(connectClusterListCommand, async () => (await handlers.connectCluster()).list),
  bind(connectClusterPauseCommand, async () => (await handlers.connectCluster()).pause),
  bind(connectClusterResumeCommand, async () => (await handlers.connectCluster()).resume),
  bind(doctorCommand, async () => (await handlers.doctor()).doctor),
  bind(planCommand, async () => (await handlers.gitops()).plan),
  bind(applyCommand, async () => (await handlers.gitops()).apply),
  bind(driftCommand, async () => (await handlers.gitops()).drift),
  bind(rollbackCommand, async () => (await handlers.gitops()).rollback),
  bind(historyCommand, async () => (await handlers.gitops()).history),
  bind(auditVerifyCommand, async () => (await handlers.gitops()).auditVerify),
  bind(auditPublishCommand, async () => (await handlers.auditPublish()).auditPublish),
  bind(convertCommand, async () => (await handlers.convert()).convert),
  bind(promoteCommand, async () => (await handlers.convert()).promote),
  bind(alertsCheckCommand, async () => (await handlers.alerts()).alertsCheck),
  bind(monitorCommand, async () => (await handlers.monitor()).monitor),
  bind(accessKeysCreateCommand, async () => (await handlers.access()).keysCreate),
  bind(accessKeysListCommand, async () => (await handlers.access()).keysList),
  bind(accessKeysRevokeCommand, async () => (await handlers.access()).keysRevoke),
  bind(accessKeysRotateCommand, async () => (await handlers.access()).keysRotate),
];
