/** The order ids this browser placed, newest first (the shop has no accounts). */
const KEY = 'kit.orders';

export function rememberedOrders(): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberOrder(id: string): void {
  localStorage.setItem(KEY, JSON.stringify([id, ...rememberedOrders().filter((known) => known !== id)].slice(0, 20)));
}
