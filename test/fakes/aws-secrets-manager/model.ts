import { readFileSync } from 'node:fs';

/**
 * The published Smithy model of Secrets Manager (the subset in smithy-model.json, source recorded in it), used to
 * check the stand-in's exchanges: request members against the operation's input structure (names, required, types,
 * lengths), answers against its output structure, errors against the operation's declared errors plus the errors every
 * AWS JSON service answers (authentication, throttling).
 */
interface Shape {
  type: string;
  members?: Record<string, { target: string; traits?: Record<string, unknown> }>;
  member?: { target: string };
  input?: { target: string };
  output?: { target: string };
  errors?: { target: string }[];
  traits?: Record<string, unknown>;
}

const NS = 'com.amazonaws.secretsmanager#';
const doc = JSON.parse(readFileSync(new URL('./smithy-model.json', import.meta.url), 'utf8')) as {
  shapes: Record<string, Shape>;
};
export const shapes = doc.shapes;

/** Errors any AWS JSON 1.1 service answers that a service model does not list per operation. */
export const COMMON_ERRORS = new Set([
  'AccessDeniedException',
  'ThrottlingException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignatureException',
  'SerializationException',
  'UnknownOperationException',
]);

export function operation(name: string): Shape {
  const op = shapes[NS + name];
  if (!op || op.type !== 'operation') throw new Error(`no operation ${name} in the model`);
  return op;
}

function check(value: unknown, target: string, path: string, problems: string[]): void {
  if (target.startsWith('smithy.api#')) {
    const t = target.slice('smithy.api#'.length);
    if (t === 'String' && typeof value !== 'string') problems.push(`${path}: expected string`);
    return;
  }
  const s = shapes[target];
  if (!s) return void problems.push(`${path}: shape ${target} is not in the model subset`);
  const len = s.traits?.['smithy.api#length'] as { min?: number; max?: number } | undefined;
  switch (s.type) {
    case 'string':
      if (typeof value !== 'string') return void problems.push(`${path}: expected string`);
      if (len?.min !== undefined && value.length < len.min) problems.push(`${path}: shorter than ${len.min}`);
      if (len?.max !== undefined && value.length > len.max) problems.push(`${path}: longer than ${len.max}`);
      return;
    case 'blob':
      // awsJson1_1 sends blobs base64-encoded.
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
        problems.push(`${path}: expected base64 blob`);
      return;
    case 'timestamp':
      // awsJson1_1's default timestamp format is epoch-seconds (a number).
      if (typeof value !== 'number') problems.push(`${path}: expected epoch-seconds timestamp`);
      return;
    case 'list':
      if (!Array.isArray(value)) return void problems.push(`${path}: expected list`);
      value.forEach((v, i) => check(v, s.member!.target, `${path}[${i}]`, problems));
      return;
    case 'structure': {
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        return void problems.push(`${path}: expected structure`);
      const o = value as Record<string, unknown>;
      for (const [k, m] of Object.entries(s.members ?? {})) {
        if (m.traits?.['smithy.api#required'] !== undefined && o[k] === undefined)
          problems.push(`${path}.${k}: required`);
      }
      for (const [k, v] of Object.entries(o)) {
        const m = s.members?.[k];
        if (!m) problems.push(`${path}.${k}: not a member of ${target}`);
        else check(v, m.target, `${path}.${k}`, problems);
      }
      return;
    }
    default:
      return;
  }
}

export function checkInput(op: string, request: unknown): string[] {
  const problems: string[] = [];
  check(request, operation(op).input!.target, `${op}Request`, problems);
  return problems;
}

export function checkOutput(op: string, response: unknown): string[] {
  const problems: string[] = [];
  check(response, operation(op).output!.target, `${op}Response`, problems);
  return problems;
}

/** An error answer: `{__type, message}` with a type the operation declares (or a common one). */
export function checkError(op: string, response: Record<string, unknown>): string[] {
  const type = String(response.__type ?? '');
  const declared = (operation(op).errors ?? []).map((e) => e.target.slice(NS.length));
  const problems: string[] = [];
  if (!declared.includes(type) && !COMMON_ERRORS.has(type)) problems.push(`error ${type} is not declared for ${op}`);
  if (typeof response.message !== 'string') problems.push('error without message');
  return problems;
}

/** The protocol and signing name the model gives the service (what the stand-in must speak). */
export function serviceTraits(): {
  protocol: string[];
  signingName: string | undefined;
  targetPrefix: string | undefined;
} {
  const svc = shapes[NS + 'secretsmanager']!;
  const t = svc.traits ?? {};
  return {
    protocol: Object.keys(t).filter((k) => k.startsWith('aws.protocols#')),
    signingName: (t['aws.auth#sigv4'] as { name?: string } | undefined)?.name,
    targetPrefix: (t['aws.api#service'] as { endpointPrefix?: string } | undefined)?.endpointPrefix,
  };
}
