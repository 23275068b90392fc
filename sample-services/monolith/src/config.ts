/**
 * The monolith's configuration is the modules' own: each module reads the environment with its
 * service's zod schema (same keys, same defaults, same validation as in services mode). Where two
 * modules use the same key for different things (`DATABASE_URL` in catalog, orders and
 * notifications), a key prefixed with the module's name wins for that module: `CATALOG_DATABASE_URL`,
 * `ORDERS_DATABASE_URL`, `NOTIFICATIONS_DATABASE_URL`, `GATEWAY_UPSTREAM_TIMEOUT_MS`. The public
 * layer reads the gateway's keys; `PORT`, `HOST` and the shutdown keys are the process's.
 */
import { loadConfig as catalogConfig } from '@kit/catalog/config';
import { loadConfig as gatewayConfig } from '@kit/gateway/config';
import { loadConfig as inventoryConfig } from '@kit/inventory/config';
import { loadConfig as notificationsConfig } from '@kit/notifications/config';
import { loadConfig as ordersConfig } from '@kit/orders/config';
import { loadConfig as paymentsConfig } from '@kit/payments/config';
import { ConfigError } from '@kit/service';

type Env = Record<string, string | undefined>;

/** The environment as module `prefix` sees it: `PREFIX_KEY` overrides `KEY`. */
export function moduleEnv(env: Env, prefix: string): Env {
  const own = `${prefix}_`;
  const scoped: Env = { ...env };
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith(own) && key.length > own.length && value !== undefined && value !== '') scoped[key.slice(own.length)] = value;
  }
  return scoped;
}

export function loadConfig(env: Env) {
  const problems: string[] = [];
  const read = <T>(prefix: string, load: (env: Env) => T): T | undefined => {
    try {
      return load(moduleEnv(env, prefix));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems.map((problem) => `${prefix.toLowerCase()}: ${problem}`));
      return undefined;
    }
  };
  const config = {
    gateway: read('GATEWAY', gatewayConfig),
    catalog: read('CATALOG', catalogConfig),
    orders: read('ORDERS', ordersConfig),
    inventory: read('INVENTORY', inventoryConfig),
    payments: read('PAYMENTS', paymentsConfig),
    notifications: read('NOTIFICATIONS', notificationsConfig),
  };
  // every module's problems at once, so the monolith never starts half-configured
  if (problems.length > 0) throw new ConfigError(problems);
  const { gateway, catalog, orders, inventory, payments, notifications } = config;
  if (gateway === undefined || catalog === undefined || orders === undefined || inventory === undefined || payments === undefined || notifications === undefined) {
    throw new ConfigError(['a module configuration is missing']);
  }
  return { gateway, catalog, orders, inventory, payments, notifications };
}

export type Config = ReturnType<typeof loadConfig>;
