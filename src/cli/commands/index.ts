import type { CommandSpec, GroupSpec } from '../command-spec.js';
import { devCommands, devGroup } from './dev.js';
import { scaffoldCommands } from './scaffold.js';
import { validateCommands } from './validate.js';

/** Every command kcops has. Each file under commands/ declares its own; handlers are imported lazily. */
export const groups: GroupSpec[] = [devGroup];
export const commands: CommandSpec[] = [...devCommands, ...validateCommands, ...scaffoldCommands];
