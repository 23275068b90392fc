/**
 * The stand-in for an e-mail provider: "sending" passes the mail relay (a configurable share of sends
 * fails, to show retries working), then records the e-mail in the store and writes it as a log line.
 * The record is insert-if-absent by order, so however often an order.placed is delivered — twice by
 * the outbox relay, again after a restart, two copies at once — one e-mail is recorded and logged.
 * A real provider would get the order id as its idempotency key, so a relay call repeated before
 * the record is written is dropped there too.
 */
import type { Logger } from '@kit/telemetry';
import type { OrderPlaced } from './consumer';
import type { NotificationsStore, SentEmail } from './store';

export type { SentEmail } from './store';

/** What a send did: sent this e-mail, or found it already sent. */
export type SendOutcome = 'sent' | 'duplicate';

export function createMailer(options: { logger: Logger; store: NotificationsStore; failureRate: () => number; random: () => number }) {
  const { store } = options;
  return {
    /** The latest e-mails, newest first. */
    recent: (limit: number): Promise<SentEmail[]> => store.recent(limit),
    /** The e-mail sent for an order, if any. */
    forOrder: (orderId: string): Promise<SentEmail | undefined> => store.forOrder(orderId),
    async send(event: OrderPlaced, eventId?: string): Promise<SendOutcome> {
      // a redelivery of an order already confirmed never reaches the relay
      if ((await store.forOrder(event.orderId)) !== undefined) return 'duplicate';
      if (options.random() < options.failureRate()) throw new Error('mail relay refused the message');
      const email: SentEmail = {
        orderId: event.orderId,
        to: event.customerEmail,
        subject: `Your order ${event.orderId} is confirmed (${(event.totalMinor / 100).toFixed(2)} ${event.currency})`,
        sentAt: new Date().toISOString(),
      };
      // two deliveries racing past the check above: the store lets one of them record the e-mail
      if (!(await store.recordIfAbsent(email, eventId))) return 'duplicate';
      options.logger.info('order confirmation sent', { order_id: event.orderId, to: event.customerEmail, subject: email.subject });
      return 'sent';
    },
  };
}

export type Mailer = ReturnType<typeof createMailer>;
