/** An order's confirmation page (and the list of this browser's orders). */
import { shop } from '../api';
import { h, money } from '../dom';
import { rememberedOrders } from '../orders';
import type { View } from '../router';

export const orderView: View = async (root, [id = ''], context) => {
  const order = await shop.order(id);
  const email = h('p', { class: 'muted', 'data-testid': 'email-state' }, 'Waiting for the confirmation e-mail…');
  root.replaceChildren(
    h(
      'section',
      { class: 'panel order', 'data-order-id': order.id },
      h('p', { class: 'status ok' }, `Order ${order.status}`),
      h('h1', {}, 'Thank you!'),
      h('p', { class: 'muted' }, `Order ${order.id} · ${new Date(order.createdAt).toLocaleString()}`),
      h(
        'table',
        { class: 'lines' },
        h('tbody', {}, ...order.lines.map((line) => h('tr', {}, h('td', {}, `${String(line.quantity)} × ${line.name}`), h('td', {}, money(line.unitPriceMinor * line.quantity, order.currency))))),
        h('tfoot', {}, h('tr', {}, h('th', {}, 'Total'), h('th', {}, money(order.totalMinor, order.currency)))),
      ),
      email,
      h('a', { href: '#/', class: 'button' }, 'Keep shopping'),
    ),
  );
  // the confirmation travels orders → outbox → RabbitMQ → notifications; show when it lands
  for (let attempt = 0; attempt < 20 && !context.signal.aborted; attempt += 1) {
    const sent = (await shop.notifications(order.id).catch(() => ({ items: [] }))).items[0];
    if (sent !== undefined) {
      email.textContent = `Confirmation e-mail sent to ${sent.to} at ${new Date(sent.sentAt).toLocaleTimeString()}`;
      email.className = 'status ok';
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  if (!context.signal.aborted) email.textContent = 'The confirmation e-mail is still on its way (the notifications service retries).';
};

export const ordersView: View = (root) => {
  const ids = rememberedOrders();
  root.replaceChildren(
    h('h1', {}, 'Your orders'),
    ids.length === 0
      ? h('p', { class: 'empty' }, 'No orders from this browser yet.')
      : h('ul', { class: 'panel order-list' }, ...ids.map((orderId) => h('li', {}, h('a', { href: `#/orders/${orderId}` }, orderId)))),
  );
  return Promise.resolve();
};
