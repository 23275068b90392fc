/**
 * The stand-in for an email provider: "sending" writes the email as a log line and remembers the
 * latest ones for GET /notifications. A configurable share of sends fails, to show retries working.
 */
import type { Logger } from '@kit/telemetry';
import type { OrderPlaced } from './consumer';

export interface SentEmail {
  readonly orderId: string;
  readonly to: string;
  readonly subject: string;
  readonly sentAt: string;
}

export function createMailer(options: { logger: Logger; failureRate: () => number; random: () => number; keep?: number }) {
  const recent: SentEmail[] = [];
  return {
    recent: (): readonly SentEmail[] => recent,
    send(event: OrderPlaced): Promise<void> {
      if (options.random() < options.failureRate()) return Promise.reject(new Error('mail relay refused the message'));
      const email: SentEmail = {
        orderId: event.orderId,
        to: event.customerEmail,
        subject: `Your order ${event.orderId} is confirmed (${(event.totalMinor / 100).toFixed(2)} ${event.currency})`,
        sentAt: new Date().toISOString(),
      };
      recent.unshift(email);
      recent.length = Math.min(recent.length, options.keep ?? 100);
      options.logger.info('order confirmation sent', { order_id: event.orderId, to: event.customerEmail, subject: email.subject });
      return Promise.resolve();
    },
  };
}

export type Mailer = ReturnType<typeof createMailer>;
