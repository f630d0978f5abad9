import { UserError } from '../../errors.js';
import type { ConnectorOffset } from '../cluster.js';
import type { CloudConnectApi } from './connect-api.js';
import { DEFAULT_OFFSETS_POLL, type ConfluentCloudOptions } from './options.js';
import { offsetsStatusSchema } from './schemas.js';

/**
 * Cloud alters offsets asynchronously: a request, then its status polled (bounded) until APPLIED or FAILED.
 * Cloud stops the connector to apply offsets, then starts it again: the first look is later than the next ones.
 */
export async function requestOffsets(
  api: CloudConnectApi,
  opts: Pick<ConfluentCloudOptions, 'offsetsPoll' | 'reporter'>,
  name: string,
  body: { type: 'PATCH' | 'DELETE'; offsets?: ConnectorOffset[] },
): Promise<void> {
  const path = `/connectors/${encodeURIComponent(name)}/offsets/request`;
  await api.act({ method: 'POST', path, body });
  const { timeoutMs, pollMs, firstPollMs } = { ...DEFAULT_OFFSETS_POLL, ...opts.offsetsPoll };
  const polls = Math.max(1, Math.ceil(timeoutMs / pollMs));
  const step = opts.reporter?.step(`${body.type === 'DELETE' ? 'Resetting' : 'Altering'} offsets of ${name}`);
  await api.wait(firstPollMs);
  for (let i = 0; i < polls; i++) {
    const s = await api.read('GET', `${path}/status`, offsetsStatusSchema);
    const phase = s.status.phase;
    if (phase === 'APPLIED') {
      step?.done(`offsets of ${name} applied`);
      return;
    }
    if (phase === 'FAILED') {
      step?.fail();
      throw new UserError(
        'CCLOUD_OFFSETS_FAILED',
        `Confluent Cloud could not apply the offsets of ${name}: ${s.status.message ?? '(no message)'}`,
        {
          hint: `\`kcops connect offsets ${name}\` shows the offsets in place; check the partitions and offsets you sent.`,
        },
      );
    }
    step?.update(phase);
    await api.wait(pollMs);
  }
  step?.fail();
  throw new UserError(
    'CCLOUD_OFFSETS_TIMEOUT',
    `The offsets request for ${name} was not applied within ${Math.round(timeoutMs / 1000)} s.`,
    {
      hint: `It may still be applied; check with \`kcops connect offsets ${name}\` before sending another request.`,
    },
  );
}
