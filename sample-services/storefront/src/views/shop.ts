/** The product grid: categories, search, and add-to-cart straight from a card. */
import { shop, type Product } from '../api';
import { cart } from '../cart';
import { h, money, productArt } from '../dom';
import type { View } from '../router';

export function productCard(product: Product): HTMLElement {
  const added = h('span', { class: 'added', hidden: true }, 'Added ✓');
  return h(
    'article',
    { class: 'product-card', 'data-product-id': product.id },
    h('a', { href: `#/products/${product.id}`, class: 'card-link', 'data-faro-user-action-name': 'open-product' }, productArt(product.category, product.name), h('h3', {}, product.name)),
    h('p', { class: 'tags' }, ...product.tags.map((tag) => h('span', { class: `tag tag-${tag}` }, tag))),
    h(
      'div',
      { class: 'card-foot' },
      h('strong', { class: 'price' }, money(product.priceMinor, product.currency)),
      added,
      h(
        'button',
        {
          class: 'button small',
          type: 'button',
          'data-faro-user-action-name': 'add-to-cart',
          onclick: () => {
            cart.add({ productId: product.id, name: product.name, category: product.category, priceMinor: product.priceMinor });
            added.hidden = false;
            setTimeout(() => (added.hidden = true), 1_500);
          },
        },
        'Add to cart',
      ),
    ),
  );
}

export const shopView: View = async (root, _params, context) => {
  const query = new URLSearchParams(context.query);
  const category = query.get('category') ?? undefined;
  const q = query.get('q') ?? undefined;
  const [{ items: categories }, page] = await Promise.all([shop.categories(), shop.products({ category, q, limit: 24 })]);
  const link = (label: string, value: string | undefined) =>
    h('a', { href: value === undefined ? '#/' : `#/?category=${value}`, class: `chip${value === category ? ' active' : ''}`, 'data-faro-user-action-name': 'filter-category' }, label);
  const search = h('input', { type: 'search', name: 'q', placeholder: 'Search the shop…', value: q ?? '', 'aria-label': 'Search' });
  root.replaceChildren(
    h('section', { class: 'hero' }, h('h1', {}, 'Everyday things, observed end to end'), h('p', {}, 'Browse, add to cart and check out — then find your click in Grafana: one trace from this page to PostgreSQL.')),
    h(
      'form',
      {
        class: 'filters',
        onsubmit: (event: Event) => {
          event.preventDefault();
          const term = search.value.trim();
          location.hash = term === '' ? '#/' : `#/?q=${encodeURIComponent(term)}`;
        },
      },
      h('div', { class: 'chips' }, link('All', undefined), ...categories.map((name) => link(`${name.charAt(0).toUpperCase()}${name.slice(1)}`, name))),
      search,
    ),
    page.items.length === 0
      ? h('p', { class: 'empty' }, 'Nothing matches. Try another search.')
      : h('section', { class: 'grid', 'aria-label': 'Products' }, ...page.items.map(productCard)),
    h('p', { class: 'muted' }, `${String(page.items.length)} of ${String(page.total)} products`),
  );
};
