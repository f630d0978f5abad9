/**
 * The day-2 verbs of Confluent Cloud's connector role table (core/auth/cloud-roles.ts has the table and its sources),
 * here so that a 403 from the Connect v1 API can say which role to ask for without the client knowing the table.
 */
export type CloudVerb =
  | 'status' // Read Status
  | 'config' // Read Configuration (config get, describe, topics)
  | 'logs' // View Logs
  | 'metrics' // Read Throughput Metrics
  | 'offsets-read' // not in the table
  | 'pause-resume' // Pause, Resume, and Restart
  | 'restart' // Pause, Resume, and Restart
  | 'configure' // Configure (config set/edit, an update)
  | 'offsets-change' // not in the table (Cloud stops and starts the connector to write them)
  | 'delete' // Delete
  | 'create'; // Interact with Managed Connectors (create)

export const CLOUD_VERBS: readonly CloudVerb[] = [
  'status',
  'config',
  'logs',
  'metrics',
  'offsets-read',
  'pause-resume',
  'restart',
  'configure',
  'offsets-change',
  'delete',
  'create',
];

/**
 * The role to ask for: the least one that does the verb according to Confluent's table. Offsets are in no column, so
 * only the roles that may do everything (ResourceOwner, the admins) are known to read them.
 */
export const ROLE_TO_ASK_FOR: Readonly<Record<CloudVerb, string>> = {
  status: 'DeveloperRead',
  config: 'DeveloperRead',
  metrics: 'DeveloperRead',
  logs: 'ConnectManager',
  'pause-resume': 'ConnectManager',
  restart: 'ConnectManager',
  configure: 'DeveloperWrite',
  'offsets-read': 'ResourceOwner',
  'offsets-change': 'ResourceOwner',
  delete: 'ResourceOwner',
  create: 'ResourceOwner',
};

/** The verb as a message says it: "may not <phrase> connector 'N'". */
export const VERB_PHRASE: Readonly<Record<CloudVerb, string>> = {
  status: 'read the status of',
  config: 'read the configuration of',
  logs: 'read the logs of',
  metrics: 'read the metrics of',
  'offsets-read': 'read the offsets of',
  'pause-resume': 'pause or resume',
  restart: 'restart',
  configure: 'change the configuration of',
  'offsets-change': 'change the offsets of',
  delete: 'delete',
  create: 'create',
};

/** The verb of a Connect v1 request about one connector (`rest`: the path after `/connectors/<name>`). */
export function cloudVerbOf(method: string, rest: string): CloudVerb {
  const r = rest.replace(/^\//, '').replace(/\?.*$/, '');
  if (method === 'DELETE' && r === '') return 'delete';
  if (method === 'PUT' && (r === 'pause' || r === 'resume' || r === 'stop')) return 'pause-resume';
  if (method === 'POST' && /restart$/.test(r)) return 'restart';
  if (method === 'PUT' && r === 'config') return 'configure';
  if (method === 'POST' && r === 'offsets/request') return 'offsets-change';
  if (r.startsWith('offsets')) return 'offsets-read';
  if (r === 'status' || r === 'tasks' || r.startsWith('tasks/')) return 'status';
  return 'config';
}

const READS: ReadonlySet<CloudVerb> = new Set(['status', 'config', 'offsets-read', 'logs', 'metrics']);

/** The coarser split of the self-managed extension and of the refusal's wording: viewer reads, operator changes. */
export function accessOf(verb: CloudVerb): 'read' | 'change' {
  return READS.has(verb) ? 'read' : 'change';
}
