/**
 * The storefront's entry: load the runtime settings, start Faro, then route hash changes to views.
 * A view that throws shows an error panel, and the error goes to Faro (caught errors would
 * otherwise never be seen).
 */
import './styles.css';
import { ApiError } from './api';
import { cart } from './cart';
import { h } from './dom';
import { match, type Route } from './router';
import { loadSettings } from './settings';
import { reportError, setView, startTelemetry } from './telemetry';
import { cartView } from './views/cart';
import { chaosView } from './views/chaos';
import { orderView, ordersView } from './views/order';
import { productView } from './views/product';
import { shopView } from './views/shop';

const ROUTES: readonly Route[] = [
  { name: 'shop', pattern: /^\/?$/, view: shopView },
  { name: 'product', pattern: /^\/products\/(p-\d{3})$/, view: productView },
  { name: 'cart', pattern: /^\/cart$/, view: cartView },
  { name: 'orders', pattern: /^\/orders$/, view: ordersView },
  { name: 'order', pattern: /^\/orders\/(o-[0-9a-f-]{36})$/, view: orderView },
  { name: 'chaos', pattern: /^\/chaos$/, view: chaosView },
];

function errorPanel(error: unknown): HTMLElement {
  const notFound = error instanceof ApiError && error.status === 404;
  return h(
    'section',
    { class: 'panel error-panel', role: 'alert' },
    h('h1', {}, notFound ? 'Not found' : 'Something went wrong on this page'),
    h('p', {}, error instanceof Error ? error.message : String(error)),
    h('p', { class: 'muted' }, 'The error was reported to the kit (Grafana: Kit / Frontend → JavaScript errors).'),
    h('a', { href: '#/', class: 'button' }, 'Back to the shop'),
  );
}

async function boot(): Promise<void> {
  const root = document.getElementById('view');
  if (root === null) throw new Error('the page has no #view element');
  const settings = await loadSettings();
  const telemetryOn = startTelemetry(settings);
  const state = document.getElementById('telemetry-state');
  if (state !== null) state.textContent = telemetryOn ? `Faro RUM on · ${settings.environment}` : 'browser telemetry off';

  const count = document.getElementById('cart-count');
  const showCount = () => {
    if (count !== null) count.textContent = String(cart.count());
  };
  cart.onChange(showCount);
  showCount();

  let current: AbortController | undefined;
  const render = async () => {
    current?.abort();
    const controller = new AbortController();
    current = controller;
    const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
    const found = match(ROUTES, path);
    const name = found?.route.name ?? 'not-found';
    setView(name);
    root.dataset.view = name;
    root.setAttribute('aria-busy', 'true');
    for (const link of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) link.classList.toggle('active', link.dataset.nav === name || (name === 'order' && link.dataset.nav === 'orders'));
    root.replaceChildren(h('p', { class: 'loading' }, 'Loading…'));
    try {
      if (found === undefined) throw new ApiError(404, 'not_found', `There is no page at ${path}.`);
      await found.route.view(root, found.params, { settings, query, signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted) return;
      if (!(error instanceof ApiError && error.status < 500)) reportError(error, { view: name });
      root.replaceChildren(errorPanel(error));
    } finally {
      if (current === controller) root.removeAttribute('aria-busy');
    }
  };
  window.addEventListener('hashchange', () => void render());
  cart.onChange(() => {
    if (root.dataset.view === 'cart') void render();
  });
  await render();
}

void boot();
