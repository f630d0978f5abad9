import { runDoctor } from '../../core/operate/doctor.js';
import { realProbes, schemaRegistryAccess } from './doctor-probes.js';
import type { CommandHandler } from '../command-spec.js';
import { checksResult } from '../render/checks.js';
import { cloudDoctor } from './cloud-doctor.js';
import { clusterFor, opsTarget } from './ops-context.js';

export const doctor: CommandHandler = async (ctx, _args, o) => {
  const t = opsTarget(ctx);
  if (t.clusterType === 'confluent-cloud') return cloudDoctor(ctx, t);
  const cluster = t.clusterType === 'self-managed' ? clusterFor(t) : undefined;
  try {
    const checks = await runDoctor(
      {
        connect: t.connect,
        ...(t.kafka ? { kafka: t.kafka } : {}),
        ...(t.schemaRegistry ? { schemaRegistry: schemaRegistryAccess(t) } : {}),
        ...(t.observability.expect ? { expect: t.observability.expect } : {}),
        ...(cluster ? { cluster } : {}),
        connectors: o.connectors !== false,
      },
      realProbes(Number(o.timeout ?? 5000)),
    );
    return checksResult(t.env, checks);
  } finally {
    await cluster?.close();
  }
};
