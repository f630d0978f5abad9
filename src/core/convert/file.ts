import { readFileSync } from 'node:fs';
import { usageError } from '../../errors.js';
import { fileStem, loadConnectorFile } from '../project/connector-file.js';
import { isSensitiveKey, MASK, redactValue } from '../secrets/sensitive.js';
import { convertConfig, isManagedConfig, type ConvertResult, type ConvertTarget } from './convert.js';

/** A converted connector file: the REST-shaped document to write, and the warnings about what was not carried. */
export interface ConvertedFile extends Omit<ConvertResult, 'config'> {
  file: string;
  document: { name: string; config: Record<string, string>; state?: string };
}

export function convertConnectorFile(path: string, to: ConvertTarget): ConvertedFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw usageError('CONVERT_FILE', `Cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}.`);
  }
  const f = loadConnectorFile(path, bytes);
  if (f.problems.length > 0 || f.shape === 'not-connector') {
    const why = f.problems[0]?.detail ?? 'no connector config found';
    throw usageError(
      'CONVERT_FILE',
      `${path} is not a connector file kcops can read: ${why}.`,
      `Check it with \`kcops validate ${path} --offline\`.`,
    );
  }
  const config = Object.create(null) as Record<string, string>; // user-chosen keys: no prototype
  for (const [k, e] of f.config) if (e.value !== undefined) config[k] = e.value;
  const name = f.name?.value ?? config.name ?? fileStem(path);
  const managed = isManagedConfig(config);
  if ((to === 'managed') === managed) {
    throw usageError(
      'CONVERT_SAME_SIDE',
      `${path} is already a ${to} connector (${config['connector.class'] ?? 'no connector.class'}).`,
      `Did you mean --to ${managed ? 'self-managed' : 'managed'}?`,
    );
  }
  const { config: converted, ...rest } = convertConfig({ ...config, name }, to);
  const { name: _name, ...body } = converted;
  // The converted document is printed and written: a literal credential of the input never reaches either. It is
  // masked (validate then reports the mask as a placeholder) and a warning names the key to move to a secret store.
  const warnings = [...rest.warnings];
  for (const [k, v] of Object.entries(body)) {
    const shown = redactValue(k, v);
    if (shown === v) continue;
    body[k] = shown;
    warnings.push({
      key: k,
      message: `held a literal credential, written as ${MASK}: move it into a secret store and reference it, e.g. ${
        isSensitiveKey(k)
          ? `\${file:/etc/kafka/secrets/${name}.properties:${k}}`
          : `a separate key holding \${file:...}`
      }.`,
    });
  }
  const document: ConvertedFile['document'] = { name, config: body };
  if (f.state?.value) document.state = f.state.value;
  return { file: path, document, ...rest, warnings };
}
