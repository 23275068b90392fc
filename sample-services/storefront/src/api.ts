/**
 * The gateway's public API as the page uses it. Same origin as the page, so the Faro fetch
 * instrumentation adds `traceparent` to every call and the gateway's span joins the browser's trace.
 * Errors come back as the kit's JSON `{error:{code,message}}` and surface as ApiError.
 */
export interface Product {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly category: string;
  readonly priceMinor: number;
  readonly currency: string;
  readonly tags: readonly string[];
}
export interface ProductPage {
  readonly items: readonly Product[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}
export interface OrderLine {
  readonly productId: string;
  readonly name: string;
  readonly quantity: number;
  readonly unitPriceMinor: number;
}
export interface Order {
  readonly id: string;
  readonly status: string;
  readonly customerEmail: string;
  readonly lines: readonly OrderLine[];
  readonly totalMinor: number;
  readonly currency: string;
  readonly createdAt: string;
}
export interface SentEmail {
  readonly orderId: string;
  readonly to: string;
  readonly subject: string;
  readonly sentAt: string;
}
export interface ActiveFault {
  readonly id: string;
  readonly spec: { readonly type: string } & Record<string, unknown>;
  readonly startedAt: string;
  readonly expiresAt: string;
}
export interface ServiceStatus {
  readonly health: 'ready' | 'not_ready' | 'unreachable';
  readonly faults?: readonly ActiveFault[];
  readonly circuits?: Readonly<Record<string, string>>;
  readonly error?: string;
}
export interface JsonSchemaProperty {
  readonly type?: string;
  readonly const?: string;
  readonly enum?: readonly string[];
  readonly default?: unknown;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly description?: string;
}
export interface FaultTypesSchema {
  readonly oneOf: readonly { readonly properties: Readonly<Record<string, JsonSchemaProperty>>; readonly required?: readonly string[] }[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

async function call<T>(path: string, init: RequestInit = {}): Promise<T> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  const response = await fetch(path, { ...init, headers });
  const body = (await response.json().catch(() => undefined)) as { error?: { code?: string; message?: string; details?: unknown } } | undefined;
  if (!response.ok) {
    throw new ApiError(response.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `the shop answered HTTP ${String(response.status)}`, body?.error?.details);
  }
  return body as T;
}

const json = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const shop = {
  products: (query: { category?: string | undefined; q?: string | undefined; limit?: number }) => {
    const params = new URLSearchParams({ limit: String(query.limit ?? 24) });
    if (query.category !== undefined) params.set('category', query.category);
    if (query.q !== undefined) params.set('q', query.q);
    return call<ProductPage>(`/api/catalog/products?${params.toString()}`);
  },
  categories: () => call<{ items: readonly string[] }>('/api/catalog/categories'),
  product: (id: string) => call<Product>(`/api/catalog/products/${encodeURIComponent(id)}`),
  recommendations: (id: string) => call<{ items: readonly Product[]; degraded: boolean }>(`/api/catalog/products/${encodeURIComponent(id)}/recommendations?limit=4`),
  stock: (id: string) => call<{ productId: string; available: number }>(`/api/stock/${encodeURIComponent(id)}`),
  /** The key makes the order safe to retry: the same key never charges twice. */
  placeOrder: (order: { customerEmail: string; items: { productId: string; quantity: number }[]; card: { token: string } }, idempotencyKey: string) =>
    call<Order>('/api/orders', json('POST', order, { 'idempotency-key': idempotencyKey })),
  order: (id: string) => call<Order>(`/api/orders/${encodeURIComponent(id)}`),
  notifications: (orderId: string) => call<{ items: readonly SentEmail[] }>(`/api/notifications?orderId=${encodeURIComponent(orderId)}`),
};

export function chaosApi(token: string) {
  const auth = { authorization: `Bearer ${token}` };
  return {
    status: () => call<{ services: Readonly<Record<string, ServiceStatus>> }>('/api/chaos', { headers: auth }),
    faultTypes: () => call<FaultTypesSchema>('/api/chaos/fault-types', { headers: auth }),
    inject: (service: string, fault: Record<string, unknown>) => call<ActiveFault>(`/api/chaos/${encodeURIComponent(service)}/faults`, json('POST', fault, auth)),
    cancel: (service: string, id?: string) =>
      call<{ cancelled: number }>(`/api/chaos/${encodeURIComponent(service)}/faults${id === undefined ? '' : `/${encodeURIComponent(id)}`}`, { method: 'DELETE', headers: auth }),
  };
}
