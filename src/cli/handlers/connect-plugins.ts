// connect plugins list, describe.
import { UserError } from '../../errors.js';
import type { connectPluginsDescribeCommand, connectPluginsListCommand } from '../commands/connect.js';
import { table } from '../render/output.js';
import { onEnvironment } from './environment.js';

const CONNECTOR_TYPES = new Set(['source', 'sink']);

export const pluginsList = onEnvironment<typeof connectPluginsListCommand>(async (ctx, _args, o, { connect: c }) => {
  const all = await c.plugins();
  const type = o.type?.toLowerCase();
  const plugins = all
    .filter((p) => (type ? p.type === type : o.all ? true : CONNECTOR_TYPES.has(p.type)))
    .sort((a, b) => a.type.localeCompare(b.type) || a.class.localeCompare(b.class));
  return {
    data: { plugins },
    human: () =>
      table(
        ['CLASS', 'TYPE', 'VERSION'],
        plugins.map((p) => [p.class, p.type, p.version || '-']),
      ),
  };
});

export const pluginsDescribe = onEnvironment<typeof connectPluginsDescribeCommand>(
  async (ctx, args, o, { connect: c }) => {
    const [cls] = args;
    let defs;
    try {
      defs = await c.pluginConfig(cls);
    } catch (e) {
      if (e instanceof UserError && e.code === 'CONNECT_NOT_FOUND') {
        throw new UserError('PLUGIN_NOT_FOUND', `No plugin '${cls}' is installed on this cluster.`, {
          hint: 'See what is: `kcops connect plugins list --all`.',
        });
      }
      throw e;
    }
    const shown = o.required ? defs.filter((d) => d.required || d.defaultValue === null) : defs;
    return {
      data: { class: cls, configs: shown },
      human: (st) =>
        table(
          ['NAME', 'TYPE', 'DEFAULT', 'IMPORTANCE', 'DOCUMENTATION'],
          shown.map((d) => [
            d.required ? st.bold(d.name) : d.name,
            d.type,
            d.defaultValue === null ? st.dim('(none)') : d.defaultValue === '' ? '""' : d.defaultValue,
            d.importance,
            d.documentation.length > 80 ? d.documentation.slice(0, 77) + '...' : d.documentation,
          ]),
        ),
    };
  },
);
