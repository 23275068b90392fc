import type { Consumer } from '@kit/notifications/consumer';
import { ConfigError } from '@kit/service';
import { createLogger } from '@kit/telemetry';
import { describe, expect, it } from 'vitest';
import { loadConfig, moduleEnv } from '../src/config';
import { superviseConsumer } from '../src/consumer';

const logger = createLogger({ level: 'error', exportOtlp: false });

describe('the monolith configuration', () => {
  it('gives each module the keys its service reads, a module-prefixed key winning for that module', () => {
    const config = loadConfig({
      CATALOG_DATABASE_URL: 'postgres://kit@db/kit_catalog',
      ORDERS_DATABASE_URL: 'postgres://kit@db/kit_orders',
      NOTIFICATIONS_DATABASE_URL: 'postgres://kit@db/kit_notifications',
      REDIS_URL: 'redis://cache:6379/0',
      AMQP_URL: 'amqp://broker',
      GATEWAY_UPSTREAM_TIMEOUT_MS: '2500',
      PAYMENTS_DECLINE_RATE: '0',
    });
    expect(config.catalog.DATABASE_URL).toBe('postgres://kit@db/kit_catalog');
    expect(config.orders.DATABASE_URL).toBe('postgres://kit@db/kit_orders');
    expect(config.notifications.DATABASE_URL).toBe('postgres://kit@db/kit_notifications');
    expect(config.inventory.REDIS_URL).toBe('redis://cache:6379/0');
    expect(config.orders.AMQP_URL).toBe('amqp://broker');
    expect(config.notifications.AMQP_URL).toBe('amqp://broker');
    // the same key, different defaults per service: each module keeps its own
    expect(config.gateway.UPSTREAM_TIMEOUT_MS).toBe(2_500);
    expect(config.orders.UPSTREAM_TIMEOUT_MS).toBe(1_000);
    expect(config.payments.PAYMENTS_DECLINE_RATE).toBe(0);
    expect(moduleEnv({ DATABASE_URL: 'a', CATALOG_DATABASE_URL: 'b', CATALOG_: 'x' }, 'CATALOG')).toMatchObject({ DATABASE_URL: 'b' });
  });

  it('refuses to start half-configured, naming every module\'s problem at once', () => {
    const attempt = () => loadConfig({ CATALOG_DATABASE_URL: 'mysql://nope', PAYMENTS_DECLINE_RATE: '7' });
    expect(attempt).toThrow(ConfigError);
    const problems = (() => {
      try {
        attempt();
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    })();
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^catalog: DATABASE_URL/), expect.stringMatching(/^payments: PAYMENTS_DECLINE_RATE/)]));
  });
});

describe('the notifications consumer inside the monolith', () => {
  const fakeConsumer = () => {
    let open = true;
    const consumer: Consumer = {
      connected: () => open,
      close: () => {
        open = false;
        return Promise.resolve();
      },
    };
    return consumer;
  };

  it('keeps retrying a broker that is down, then connects, without ever ending the process', async () => {
    let attempts = 0;
    const supervised = await superviseConsumer({
      logger,
      maxDelayMs: 20,
      start: () => {
        attempts += 1;
        return attempts < 3 ? Promise.reject(new Error('ECONNREFUSED')) : Promise.resolve(fakeConsumer());
      },
    });
    expect(supervised.connected()).toBe(false);
    await expect.poll(() => supervised.connected(), { timeout: 2_000 }).toBe(true);
    expect(attempts).toBe(3);
    await supervised.close();
    expect(supervised.connected()).toBe(false);
  });

  it('reconnects when the broker connection is lost', async () => {
    const lost: ((reason: string) => void)[] = [];
    let started = 0;
    const supervised = await superviseConsumer({
      logger,
      maxDelayMs: 20,
      start: (onLost) => {
        started += 1;
        lost.push(onLost);
        return Promise.resolve(fakeConsumer());
      },
    });
    expect(supervised.connected()).toBe(true);
    lost[0]?.('broker connection closed');
    expect(supervised.connected()).toBe(false);
    await expect.poll(() => supervised.connected(), { timeout: 2_000 }).toBe(true);
    expect(started).toBe(2);
    await supervised.close();
  });
});
