/**
 * The cart and checkout. One Idempotency-Key per checkout attempt, kept until the shop gives a final
 * answer: pressing "Place order" again after a timeout or a 5xx retries the same checkout, so a
 * flaky network never charges twice.
 */
import { ApiError, shop } from '../api';
import { cart } from '../cart';
import { h, money, productArt } from '../dom';
import { rememberOrder } from '../orders';
import type { View } from '../router';

const CARDS = [
  { token: 'tok_visa', label: 'Visa •••• 4242 (test card, approved)' },
  { token: 'tok_declined', label: 'Visa •••• 0002 (test card, declined)' },
  { token: 'tok_no_funds', label: 'Visa •••• 9995 (test card, insufficient funds)' },
];
let pendingKey: string | undefined;

function explain(error: unknown): string {
  if (!(error instanceof ApiError)) return 'The shop could not be reached. Your cart is kept; try again.';
  if (error.status >= 500) return `The shop is having trouble (${error.message}). Nothing was charged twice: press Place order again to retry the same order.`;
  return error.message;
}

export const cartView: View = (root) => {
  const lines = cart.lines();
  if (lines.length === 0) {
    root.replaceChildren(h('section', { class: 'panel empty' }, h('h1', {}, 'Your cart is empty'), h('a', { href: '#/', class: 'button' }, 'Browse the shop')));
    return Promise.resolve();
  }
  const email = h('input', { type: 'email', name: 'email', required: true, maxlength: 200, placeholder: 'you@example.com', value: localStorage.getItem('kit.email') ?? '' });
  const card = h('select', { name: 'card' }, ...CARDS.map((c) => h('option', { value: c.token }, c.label)));
  const message = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const submit = h('button', { class: 'button wide', type: 'submit', 'data-faro-user-action-name': 'place-order' }, `Place order · ${money(cart.totalMinor())}`);
  const form = h(
    'form',
    {
      class: 'panel checkout',
      onsubmit: async (event: Event) => {
        event.preventDefault();
        if (!form.reportValidity()) return;
        submit.disabled = true;
        submit.textContent = 'Placing your order…';
        message.hidden = true;
        pendingKey ??= crypto.randomUUID();
        try {
          const order = await shop.placeOrder(
            { customerEmail: email.value.trim(), items: cart.lines().map((line) => ({ productId: line.productId, quantity: line.quantity })), card: { token: card.value } },
            pendingKey,
          );
          pendingKey = undefined;
          localStorage.setItem('kit.email', email.value.trim());
          rememberOrder(order.id);
          cart.clear();
          location.hash = `#/orders/${order.id}`;
        } catch (error) {
          // a final answer (4xx) ends this attempt; a 5xx or network error keeps the key for a retry
          if (error instanceof ApiError && error.status < 500) pendingKey = undefined;
          message.textContent = explain(error);
          message.hidden = false;
          submit.disabled = false;
          submit.textContent = `Place order · ${money(cart.totalMinor())}`;
        }
      },
    },
    h('h2', {}, 'Checkout'),
    h('label', {}, 'E-mail for the confirmation', email),
    h('label', {}, 'Payment', card),
    message,
    submit,
  );
  root.replaceChildren(
    h('h1', {}, 'Your cart'),
    h(
      'div',
      { class: 'cart-layout' },
      h(
        'section',
        { class: 'panel' },
        ...lines.map((line) =>
          h(
            'div',
            { class: 'cart-line', 'data-product-id': line.productId },
            productArt(line.category, line.name),
            h('a', { href: `#/products/${line.productId}` }, line.name),
            h(
              'div',
              { class: 'qty' },
              h('button', { type: 'button', class: 'button ghost small', 'aria-label': 'One less', onclick: () => cart.setQuantity(line.productId, line.quantity - 1) }, '−'),
              h('span', {}, line.quantity),
              h('button', { type: 'button', class: 'button ghost small', 'aria-label': 'One more', onclick: () => cart.setQuantity(line.productId, line.quantity + 1) }, '+'),
            ),
            h('strong', {}, money(line.priceMinor * line.quantity)),
          ),
        ),
        h('p', { class: 'total' }, 'Total ', h('strong', {}, money(cart.totalMinor()))),
      ),
      form,
    ),
  );
  return Promise.resolve();
};
