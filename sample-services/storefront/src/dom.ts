/**
 * A tiny element builder: `h('a', { href: '#/' }, 'Home')`. Text always goes in as text nodes, never
 * as HTML, so product names and error messages cannot inject markup.
 */
type Child = Node | string | number | null | undefined | false;
/** Attributes, or `on…` event handlers; an async handler's failure surfaces as an unhandled rejection (Faro reports it). */
type Attributes = Record<string, string | number | boolean | undefined | ((event: Event) => unknown)>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attributes: Attributes = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') {
      element.addEventListener(name.replace(/^on/, '').toLowerCase(), (event) => {
        void value(event);
      });
    }
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, String(value));
  }
  element.append(...children.filter((child): child is Node | string | number => child !== null && child !== undefined && child !== false).map((child) => (child instanceof Node ? child : String(child))));
  return element;
}

/** Formats integer minor units as money, e.g. 1299 → "€12.99". */
export function money(minor: number, currency = 'EUR'): string {
  return new Intl.NumberFormat('en-IE', { style: 'currency', currency }).format(minor / 100);
}

/** A coloured tile with the product's initials, standing in for a photo (no third-party images, no emoji font needed). */
export function productArt(category: string, name: string): HTMLElement {
  const initials = name
    .split(/\s+/)
    .map((word) => word[0] ?? '')
    .join('')
    .slice(0, 2)
    .toUpperCase();
  return h('div', { class: `art art-${category}`, role: 'img', 'aria-label': name }, h('span', {}, initials));
}
