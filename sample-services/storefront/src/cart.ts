/** The cart, kept in localStorage so it survives reloads; listeners hear every change. */
export interface CartLine {
  readonly productId: string;
  readonly name: string;
  readonly category: string;
  readonly priceMinor: number;
  readonly quantity: number;
}

const KEY = 'kit.cart';
const MAX_QUANTITY = 10;
const listeners = new Set<() => void>();

function read(): CartLine[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? (parsed as CartLine[]).filter((line) => typeof line.productId === 'string' && Number.isInteger(line.quantity)) : [];
  } catch {
    return [];
  }
}

function write(lines: readonly CartLine[]): void {
  localStorage.setItem(KEY, JSON.stringify(lines));
  for (const listener of listeners) listener();
}

export const cart = {
  lines: read,
  count: () => read().reduce((sum, line) => sum + line.quantity, 0),
  totalMinor: () => read().reduce((sum, line) => sum + line.priceMinor * line.quantity, 0),
  add(product: Omit<CartLine, 'quantity'>, quantity = 1): void {
    const lines = read();
    const existing = lines.find((line) => line.productId === product.productId);
    const next = existing === undefined
      ? [...lines, { ...product, quantity: Math.min(quantity, MAX_QUANTITY) }]
      : lines.map((line) => (line === existing ? { ...line, quantity: Math.min(line.quantity + quantity, MAX_QUANTITY) } : line));
    write(next);
  },
  setQuantity(productId: string, quantity: number): void {
    write(read().flatMap((line) => (line.productId !== productId ? [line] : quantity <= 0 ? [] : [{ ...line, quantity: Math.min(quantity, MAX_QUANTITY) }])));
  },
  clear: () => write([]),
  onChange(listener: () => void): void {
    listeners.add(listener);
  },
};
