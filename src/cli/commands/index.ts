import type { CommandSpec, GroupSpec } from '../command-spec.js';
import { accessCommands, accessGroups } from './access.js';
import { alertsCommands, alertsGroup } from './alerts.js';
import { monitorCommands } from './monitor.js';
import { connectClusterCommands, connectCommands, connectGroups, doctorCommands } from './connect.js';
import { convertCommands } from './convert.js';
import { devCommands, devGroup } from './dev.js';
import { devDataCommands, devDatagenGroup } from './dev-data.js';
import { auditGroup, gitopsCommands } from './gitops.js';
import { scaffoldCommands } from './scaffold.js';
import { validateCommands } from './validate.js';

/** Every command kcops has. Each file under commands/ declares its own; handlers are imported lazily. */
export const groups: GroupSpec[] = [
  devGroup,
  devDatagenGroup,
  auditGroup,
  ...connectGroups,
  alertsGroup,
  ...accessGroups,
];
export const commands: CommandSpec[] = [
  ...devCommands,
  ...devDataCommands,
  ...validateCommands,
  ...scaffoldCommands,
  ...connectCommands,
  ...connectClusterCommands,
  ...doctorCommands,
  ...gitopsCommands,
  ...convertCommands,
  ...alertsCommands,
  ...monitorCommands,
  ...accessCommands,
];
