import { createTransport, type Transporter } from 'nodemailer';
import { UserError } from '../../../errors.js';
import type { EmailDestination } from '../alert-config.js';
import {
  digestHeadline,
  facts,
  headline,
  MASK,
  nextStep,
  type AlertMessage,
  type Channel,
  type ResolveSecret,
} from './channel.js';

/** Subject and plain-text body of an alert mail. */
export function emailContent(m: AlertMessage): { subject: string; text: string } {
  const lines = [headline(m), '', ...facts(m).map(([k, v]) => `${k}: ${v}`)];
  if (m.action === 'trigger' && m.alert.trace) lines.push('', 'Trace (first lines):', m.alert.trace);
  const next = nextStep(m);
  if (next) lines.push('', `Next: ${next}`);
  lines.push('', '-- sent by kcops alerts check');
  return { subject: `[kcops] ${headline(m)}`, text: lines.join('\n') + '\n' };
}

/** One mail for the changes of a round: each as in a single alert mail, one after the other. */
export function emailDigestContent(ms: AlertMessage[]): { subject: string; text: string } {
  const parts = ms.map((m) =>
    emailContent(m)
      .text.replace(/\n-- sent by kcops alerts check\n$/, '')
      .trimEnd(),
  );
  const text = [digestHeadline(ms), '', ...parts.flatMap((p) => [p, '', '----', '']), '-- sent by kcops monitor'];
  return { subject: `[kcops] ${digestHeadline(ms)}`, text: text.join('\n') + '\n' };
}

export function emailChannel(d: EmailDestination, name: string, secret: ResolveSecret): Channel {
  const label = `email destination '${name}'`;
  const port = d.port ?? (d.secure ? 465 : 587);
  let transport: Transporter | undefined;
  const open = (): Transporter =>
    (transport ??= createTransport({
      host: d.host,
      port,
      secure: d.secure ?? false,
      ...(d.requireTLS ? { requireTLS: true } : {}),
      ...(d.auth ? { auth: { user: d.auth.username, pass: secret(d.auth.password) } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    }));
  return {
    name,
    type: 'email',
    preview: (m) => ({
      smtp: `${d.host}:${port}`,
      ...(d.auth ? { auth: { username: d.auth.username, password: MASK } } : {}),
      from: d.from,
      to: d.to,
      ...emailContent(m),
    }),
    previewDigest: (ms) => ({ smtp: `${d.host}:${port}`, from: d.from, to: d.to, ...emailDigestContent(ms) }),
    send: (m) => mail(emailContent(m)),
    sendDigest: (ms) => mail(emailDigestContent(ms)),
    close: () => transport?.close(),
  };
  async function mail(content: { subject: string; text: string }): Promise<void> {
    try {
      await open().sendMail({ from: d.from, to: d.to, ...content });
    } catch (e) {
      if (e instanceof UserError) throw e;
      const err = e as { code?: string; responseCode?: number; message?: string };
      const why = err.responseCode ? `SMTP ${err.responseCode}` : (err.code ?? 'error');
      throw new UserError('ALERT_SEND_FAILED', `${label}: sending to ${d.host}:${port} failed (${why}).`, {
        hint:
          err.code === 'EAUTH'
            ? `The server refused the login of '${d.auth?.username ?? ''}': check the password behind ${d.auth?.password ?? 'auth.password'}.`
            : `Check host and port, TLS (secure: true for port 465, requireTLS for STARTTLS) and that this machine reaches ${d.host}:${port}.`,
      });
    }
  }
}
