// Sends a notification as e-mail over the channel's SMTP server (issue 16): the message written from the outbox
// entry's payload (renderEmail), plain text and HTML, with the entry's message id as Message-ID so a retry that
// did arrive twice reads as the same message. The server's refusal becomes the failure reason (`SMTP 550 ...`).

import nodemailer from 'nodemailer';
import type { ChannelRecord, OutboxRecord } from '../../domain/alerts/alert-store.js';
import { notificationNotDelivered, type NotificationSender } from '../../domain/alerts/notification-dispatcher.js';
import { parseNotificationPayload, renderEmail } from '../../domain/alerts/notification-message.js';

export const DEFAULT_SMTP_TIMEOUT_MS = 10_000;

export interface EmailSenderOptions {
  /** For connecting, for the server's greeting, and for each reply after it. Default 10 s. */
  readonly timeoutMs?: number;
}

interface SmtpFailure {
  readonly code?: unknown;
  readonly responseCode?: unknown;
  readonly response?: unknown;
  readonly message?: unknown;
}

function isSmtpFailure(value: unknown): value is SmtpFailure {
  return typeof value === 'object' && value !== null;
}

/** `SMTP 550 5.1.1 no such user` for a server's refusal; the error code and message for anything else. */
function smtpReason(error: unknown): string {
  if (!isSmtpFailure(error)) return String(error);
  const message = typeof error.message === 'string' ? error.message : '';
  if (typeof error.responseCode === 'number') {
    const response = typeof error.response === 'string' ? error.response.trim() : '';
    return response.startsWith(String(error.responseCode)) ? `SMTP ${response}` : `SMTP ${error.responseCode} ${response || message}`;
  }
  return typeof error.code === 'string' ? `${error.code} ${message}` : message;
}

/**
 * The e-mail sender for the dispatcher: one SMTP connection per notification (channels differ in server and
 * credentials, and notifications are rare), closed after it.
 * @throws OpenTpsError ERR_NOTIFICATION_NOT_DELIVERED
 */
export function createEmailSender(options: EmailSenderOptions = {}): NotificationSender {
  const timeoutMs = options.timeoutMs ?? DEFAULT_SMTP_TIMEOUT_MS;
  return async function sendEmail(channel: ChannelRecord, entry: OutboxRecord): Promise<void> {
    const target = channel.target;
    if (target.kind !== 'email') throw notificationNotDelivered(`channel ${channel.id} is not an e-mail channel`, { isPermanent: true });
    const payload = parseNotificationPayload(entry.payload);
    if (payload === null) throw notificationNotDelivered(`notification ${entry.id} does not hold a readable alert payload`, { isPermanent: true });
    const email = renderEmail(payload);
    const transport = nodemailer.createTransport({
      host: target.smtpHost,
      port: target.smtpPort,
      secure: target.smtpSecure,
      auth: target.smtpUser === null ? undefined : { user: target.smtpUser, pass: target.smtpPassword ?? '' },
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
    });
    try {
      await transport.sendMail({
        from: target.from,
        to: [...target.to],
        subject: email.subject,
        text: email.text,
        html: email.html,
        messageId: `<${entry.messageId}@opentps>`,
      });
    } catch (error) {
      throw notificationNotDelivered(smtpReason(error), { cause: error });
    } finally {
      transport.close();
    }
  };
}
