import { z } from 'zod';

/**
 * What each Kafka Connect REST endpoint kcops reads returns (Apache Kafka's ConnectorsResource and
 * ConnectorPluginsResource). Loose objects: a newer worker may add fields; a missing or mistyped field kcops uses is an
 * error (response.ts), never a default.
 */
import { configMap } from '../config-map.js';

export { configMap };

const state = z.string().min(1);
export const statusSchema = z.looseObject({
  name: z.string().optional(),
  connector: z.looseObject({ state, worker_id: z.string().optional(), trace: z.string().optional() }).optional(),
  tasks: z
    .array(
      z.looseObject({
        id: z.number().int(),
        state,
        worker_id: z.string().optional(),
        trace: z.string().optional(),
      }),
    )
    .optional(),
  type: z.string().optional(),
});
export type RawStatus = z.infer<typeof statusSchema>;

/** `GET /connectors?expand=status&expand=info`: a map by name, never a list. */
export const expandedSchema = z.record(
  z.string(),
  z.looseObject({
    // A connector deleted between Connect's listing and its status lookup has no status; info is always there.
    status: statusSchema.optional(),
    info: z.looseObject({ name: z.string().optional(), config: configMap, type: z.string().optional() }),
  }),
);

export const pluginsSchema = z.array(
  z.looseObject({ class: z.string().min(1), type: z.string(), version: z.string().optional() }),
);

export const validationSchema = z.looseObject({
  error_count: z.number().int().optional(),
  configs: z.array(
    z.looseObject({
      value: z.looseObject({
        name: z.string(),
        value: z.string().nullable().optional(),
        errors: z.array(z.string()).optional(),
      }),
    }),
  ),
});

const offsetMap = z.record(z.string(), z.unknown());
export const offsetsSchema = z.looseObject({
  offsets: z.array(z.looseObject({ partition: offsetMap, offset: offsetMap.nullable() })),
});

export const serverInfoSchema = z.looseObject({
  version: z.string(),
  commit: z.string().optional(),
  kafka_cluster_id: z.string().optional(),
});

/** The kcops access extension's GET /kcops/whoami (extensions/connect-access WhoAmIResource). */
export const whoamiSchema = z.looseObject({
  principal: z.string(),
  keyId: z.string().optional(),
  admin: z.boolean().optional(),
  roles: z.record(z.string(), z.string()),
});

/** The kcops access extension's GET /kcops/keys (extensions/connect-access KeysResource), admins only. */
export const accessKeysSchema = z.looseObject({
  teams: z.record(z.string(), z.looseObject({ prefixes: z.array(z.string()) })),
  keys: z.array(
    z.looseObject({
      id: z.string(),
      principal: z.string(),
      roles: z.record(z.string(), z.string()),
      createdAt: z.string().nullable().optional(),
      createdBy: z.string().optional(),
      description: z.string().optional(),
      revokedAt: z.string().nullable().optional(),
      lastUsedAt: z.string().nullable(),
    }),
  ),
});
export type AccessKeyStore = z.infer<typeof accessKeysSchema>;

export const topicsSchema = z.record(z.string(), z.looseObject({ topics: z.array(z.string()) }));

export const configDefsSchema = z.array(
  z.looseObject({
    name: z.string(),
    type: z.string().optional(),
    required: z.boolean().optional(),
    default_value: z.string().nullable().optional(),
    importance: z.string().optional(),
    documentation: z.string().nullable().optional(),
    group: z.string().nullable().optional(),
  }),
);
