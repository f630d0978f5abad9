import { z } from 'zod';

/**
 * What each Confluent Cloud endpoint kcops reads returns (the Connect v1, IAM v2, org v2 and mds v2 documents in
 * ../shared/specs). Loose objects: Cloud adds fields; a missing or mistyped field kcops uses is an error
 * (http/response.ts), never a default.
 */
import { configMap } from '../config-map.js';

export { configMap };

const optionalText = z.string().nullable().optional();
export const statusSchema = z.looseObject({
  name: z.string().optional(),
  type: z.string().optional(),
  connector: z
    .looseObject({ state: z.string().min(1), worker_id: z.string().optional(), trace: optionalText })
    .optional(),
  tasks: z
    .array(
      z.looseObject({
        id: z.number().int(),
        state: z.string().min(1),
        worker_id: z.string().optional(),
        msg: optionalText,
        trace: optionalText,
      }),
    )
    .optional(),
  error_summary: optionalText,
});
export type RawStatus = z.infer<typeof statusSchema>;

const info = z.looseObject({ name: z.string().optional(), config: configMap, type: z.string().optional() });
const id = z.looseObject({ id: z.string(), id_type: z.string().optional() });

/** `GET /connectors?expand=info,status,id`: a map by name, never a list. */
export const expandedSchema = z.record(
  z.string(),
  z.looseObject({ id: id.optional(), info, status: statusSchema.optional() }),
);
/** `GET /connectors?expand=id` */
export const idsSchema = z.record(z.string(), z.looseObject({ id }));
/** `GET /connectors`: names. */
export const namesSchema = z.array(z.string());

export const pluginsSchema = z.array(
  z.looseObject({ class: z.string().min(1), type: z.string(), version: z.string().optional() }),
);

export const validationSchema = z.looseObject({
  error_count: z.number().int().optional(),
  configs: z.array(
    z.looseObject({
      definition: z
        .looseObject({
          name: z.string(),
          type: z.string().optional(),
          required: z.boolean().optional(),
          default_value: z.string().nullable().optional(),
          importance: z.string().optional(),
          documentation: optionalText,
          display_name: optionalText,
          group: z.string().nullable().optional(),
        })
        .optional(),
      value: z
        .looseObject({
          name: z.string(),
          value: z.string().nullable().optional(),
          errors: z.array(z.string()).optional(),
        })
        .optional(),
    }),
  ),
});

const offsetMap = z.record(z.string(), z.unknown());
export const offsetsSchema = z.looseObject({
  offsets: z.array(z.looseObject({ partition: offsetMap, offset: offsetMap.nullable() })),
});
export const offsetsStatusSchema = z.looseObject({
  status: z.looseObject({ phase: z.string(), message: optionalText }),
});

export const roleBindingsSchema = z.looseObject({
  data: z.array(z.looseObject({ role_name: z.string(), crn_pattern: z.string() })),
  metadata: z.looseObject({ next: z.string().nullable().optional() }).optional(),
});
/** IAM v2 and mds v2 lists: the items kcops reads, and the next page's URL. */
const listOf = <S extends z.ZodType>(item: S) =>
  z.looseObject({
    data: z.array(item),
    metadata: z.looseObject({ next: z.string().nullable().optional() }).optional(),
  });
const ref = z.looseObject({ id: z.string() });
export const apiKeySchema = z.looseObject({
  id: z.string(),
  metadata: z.looseObject({ created_at: z.string().optional() }).optional(),
  spec: z.looseObject({
    owner: ref,
    resource: ref.nullable().optional(),
    display_name: z.string().optional(),
    description: z.string().optional(),
  }),
});
export const apiKeyListSchema = listOf(apiKeySchema);
export const serviceAccountSchema = z.looseObject({ id: z.string(), display_name: z.string().optional() });
export const serviceAccountListSchema = listOf(serviceAccountSchema);
export const userSchema = z.looseObject({
  id: z.string(),
  email: z.string().optional(),
  full_name: z.string().optional(),
});
export const userListSchema = listOf(userSchema);
export const roleBindingListSchema = listOf(
  z.looseObject({ id: z.string().optional(), principal: z.string(), role_name: z.string(), crn_pattern: z.string() }),
);
export const environmentSchema = z.looseObject({
  metadata: z.looseObject({ resource_name: z.string().optional() }).optional(),
});
