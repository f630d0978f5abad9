import { UserError } from '../../errors.js';
import type { ConnectCluster, ConnectorOffset, ConnectorStatus } from '../../connect/cluster.js';
import { notFound, parseOffsets, requireStatus, settle } from './connectors.js';

/**
 * The verbs of `confluent connect cluster ...` (create, update, delete, pause, resume) on the ConnectCluster
 * interface, so Confluent CLI users find them in kcops (REQ-DEPLOY-001). describe and list reuse connectors.ts.
 */

/** What `--config-file` holds, in either shape the Confluent CLI accepts. */
export interface ConnectorSpec {
  name: string;
  config: Record<string, string>;
  /** Initial offsets (`"offsets": [...]`, as in Confluent's create example). */
  offsets?: ConnectorOffset[];
}

type SettleOptions = { settleMs?: number; pollMs?: number; sleep?: (ms: number) => Promise<void> };

/**
 * Parses a Confluent CLI connector file: `{"name": N, "config": {...}, "offsets"?: [...]}` or a flat map of
 * configuration keys that includes `name`. Values must be strings (numbers and booleans are turned into strings,
 * as the Connect REST API stores them).
 */
export function parseConnectorFile(text: string, source: string): ConnectorSpec {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw bad(source, `is not JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc)) throw bad(source, 'must hold a JSON object');
  const nested = isObject(doc.config);
  const raw = nested ? (doc.config as Record<string, unknown>) : doc;
  const config = Object.create(null) as Record<string, string>; // user-chosen keys: no prototype
  for (const [k, v] of Object.entries(raw)) {
    if (!nested && k === 'offsets') continue;
    if (typeof v === 'string') config[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') config[k] = String(v);
    else throw bad(source, `config key '${k}' must be a string, not ${v === null ? 'null' : typeof v}`);
  }
  const top = typeof doc.name === 'string' ? doc.name : undefined;
  const inner = config.name;
  if (top !== undefined && inner !== undefined && top !== inner)
    throw bad(source, `"name" is '${top}' but config.name is '${inner}'`);
  const name = top ?? inner;
  if (!name) throw bad(source, 'has no connector name ("name" at the top or in the config)');
  if (!config['connector.class']) throw bad(source, "has no 'connector.class'");
  const spec: ConnectorSpec = { name, config: { ...config, name } };
  if (doc.offsets !== undefined) spec.offsets = parseOffsets(JSON.stringify({ offsets: doc.offsets }), source);
  return spec;
}

/** `--config "k1=v1,k2=v2"` (Confluent's overrides for update); a value may contain '=' but not ','. */
export function parseOverrides(list: string | string[]): Record<string, string> {
  const out = Object.create(null) as Record<string, string>; // user-chosen keys: no prototype
  for (const part of (Array.isArray(list) ? list : [list]).flatMap((s) => s.split(','))) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new UserError('USAGE', `--config '${item}' is not key=value.`, {
        exitCode: 2,
        hint: 'e.g. --config "tasks.max=2,topics=orders"',
      });
    }
    out[item.slice(0, eq).trim()] = item.slice(eq + 1);
  }
  return out;
}

export interface CreateOutcome {
  name: string;
  offsetsApplied: number;
  status: ConnectorStatus;
}

/**
 * `connect cluster create`: fails when the connector exists (as Confluent does). With offsets, the connector is
 * created STOPPED, its offsets are set (KIP-875), then it is resumed, so it never runs from the wrong position.
 */
export async function createFromSpec(
  cluster: ConnectCluster,
  spec: ConnectorSpec,
  o: SettleOptions = {},
): Promise<CreateOutcome> {
  if (await cluster.status(spec.name)) {
    throw new UserError('CONNECTOR_EXISTS', `Connector '${spec.name}' already exists.`, {
      hint: `Change it with \`kcops connect cluster update ${spec.name} --config-file <file>\`.`,
    });
  }
  const offsets = spec.offsets ?? [];
  if (offsets.length === 0) {
    await cluster.create(spec.name, spec.config);
  } else {
    if (cluster.traits.supportsInitialState) await cluster.create(spec.name, spec.config, 'STOPPED');
    else {
      await cluster.create(spec.name, spec.config);
      await cluster.stop(spec.name);
    }
    await settle(cluster, spec.name, o);
    await cluster.alterOffsets(spec.name, offsets);
    await cluster.resume(spec.name);
  }
  const status = await settle(cluster, spec.name, o);
  return { name: spec.name, offsetsApplied: offsets.length, status };
}

export interface UpdateOutcome {
  name: string;
  /** Keys added, changed or removed (names only: values may be secrets). */
  changed: string[];
  status: ConnectorStatus;
}

/**
 * `connect cluster update <name>`: `--config-file` replaces the whole configuration, `--config k=v,...` overrides
 * keys of the file's configuration, or of the stored one. Keys the server manages are not written back, and a stored
 * value the server masks is never sent back as the mask.
 */
export async function updateConnector(
  cluster: ConnectCluster,
  name: string,
  u: { spec?: ConnectorSpec; overrides?: Record<string, string> },
  o: SettleOptions = {},
): Promise<UpdateOutcome> {
  if (!u.spec && (!u.overrides || Object.keys(u.overrides).length === 0)) {
    throw new UserError('USAGE', 'Nothing to update: give --config-file and/or --config.', { exitCode: 2 });
  }
  if (u.spec && u.spec.name !== name) {
    throw new UserError('USAGE', `The file configures '${u.spec.name}', not '${name}'.`, {
      exitCode: 2,
      hint: 'Renaming is a delete and a create.',
    });
  }
  const stored = await cluster.connectorConfig(name);
  if (!stored) throw notFound(name);
  const managed = new Set(cluster.traits.serverManagedKeys);
  const base = Object.create(null) as Record<string, string>; // user-chosen keys: no prototype
  for (const [k, v] of Object.entries(u.spec ? u.spec.config : stored))
    if (!managed.has(k) || k === 'name') base[k] = v;
  const next: Record<string, string> = { ...base, ...u.overrides, name };
  const masked = Object.entries(next)
    .filter(([, v]) => cluster.traits.isMasked(v))
    .map(([k]) => k);
  if (masked.length > 0) {
    throw new UserError(
      'CONFIG_MASKED',
      `The cluster only shows masked values for ${masked.join(', ')}; writing them back would replace the secrets with the mask.`,
      {
        hint: 'Give the whole configuration with --config-file (secrets as references), or override those keys with --config.',
      },
    );
  }
  const keys = new Set([...Object.keys(stored), ...Object.keys(next)]);
  const changed = [...keys].filter((k) => !managed.has(k) && stored[k] !== next[k]).sort();
  await cluster.updateConfig(name, next);
  const status = changed.length > 0 ? await settle(cluster, name, o) : await requireStatus(cluster, name);
  return { name, changed, status };
}

/** Confluent's multi-name verbs check every name before changing anything. */
export async function requireAll(cluster: ConnectCluster, names: string[]): Promise<void> {
  if (names.length === 0) throw new UserError('USAGE', 'Give at least one connector name.', { exitCode: 2 });
  const missing: string[] = [];
  for (const n of names) if (!(await cluster.status(n))) missing.push(n);
  if (missing.length === 1) throw notFound(missing[0]!);
  if (missing.length > 1) {
    throw new UserError(
      'CONNECTOR_NOT_FOUND',
      `There are no connectors ${missing.map((m) => `'${m}'`).join(', ')} on this cluster; nothing was changed.`,
      {
        hint: 'List what exists with `kcops connect cluster list` (and check --env).',
      },
    );
  }
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function bad(source: string, why: string): UserError {
  return new UserError('CONFIG_FILE_INVALID', `${source} ${why}.`, {
    exitCode: 2,
    hint: 'Expected {"name": "...", "config": {"connector.class": "...", ...}} (optionally "offsets": [...]), or a flat map with "name".',
  });
}
