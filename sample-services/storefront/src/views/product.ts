/** One product: stock, quantity, add to cart, recommendations (with their degraded fallback). */
import { shop, type Product } from '../api';
import { cart } from '../cart';
import { h, money, productArt } from '../dom';
import type { View } from '../router';
import { productCard } from './shop';

/**
 * Deliberately broken, so JavaScript errors reach Faro and the Frontend dashboard: refurbished
 * products are meant to show a condition report, but the catalog serves no `condition` field, so
 * opening any refurbished product throws a TypeError. The page catches it, shows an error panel and
 * reports it; users trigger it from the shop by opening a product tagged "refurbished".
 */
function conditionReport(product: Product): HTMLElement {
  const refurbished = product as Product & { readonly condition: { readonly grade: string } };
  return h('p', { class: 'condition' }, `Condition grade ${refurbished.condition.grade.toUpperCase()}`);
}

export const productView: View = async (root, [id = '']) => {
  const [product, stock] = await Promise.all([shop.product(id), shop.stock(id).catch(() => undefined)]);
  const quantity = h('select', { name: 'quantity', 'aria-label': 'Quantity' }, ...Array.from({ length: 10 }, (_, i) => h('option', { value: i + 1 }, i + 1)));
  const added = h('p', { class: 'added', hidden: true }, 'Added to your cart ✓ ', h('a', { href: '#/cart' }, 'Go to cart'));
  const available = stock?.available;
  const related = h('section', { class: 'related' }, h('p', { class: 'muted' }, 'Loading recommendations…'));
  root.replaceChildren(
    h('a', { href: '#/', class: 'back' }, '← Back to the shop'),
    h(
      'section',
      { class: 'detail' },
      productArt(product.category, product.name),
      h(
        'div',
        { class: 'detail-body' },
        h('p', { class: 'muted' }, `${product.sku} · ${product.category}`),
        h('h1', {}, product.name),
        h('p', {}, product.description),
        product.tags.includes('refurbished') ? conditionReport(product) : null,
        h('p', { class: 'price big' }, money(product.priceMinor, product.currency)),
        h('p', { class: `stock ${available === 0 ? 'out' : ''}` }, available === undefined ? 'Stock unknown right now' : available === 0 ? 'Out of stock' : `${String(available)} in stock`),
        h(
          'div',
          { class: 'buy' },
          quantity,
          h(
            'button',
            {
              class: 'button',
              type: 'button',
              disabled: available === 0,
              'data-faro-user-action-name': 'add-to-cart',
              onclick: () => {
                cart.add({ productId: product.id, name: product.name, category: product.category, priceMinor: product.priceMinor }, Number(quantity.value));
                added.hidden = false;
              },
            },
            'Add to cart',
          ),
        ),
        added,
      ),
    ),
    related,
  );
  try {
    const recommendations = await shop.recommendations(product.id);
    related.replaceChildren(
      h('h2', {}, recommendations.degraded ? 'More from this category' : 'You may also like'),
      h('div', { class: 'grid' }, ...recommendations.items.map(productCard)),
    );
  } catch {
    related.replaceChildren();
  }
};
