/**
 * The inventory's Redis store. Reserving and ending a reservation each run as one Lua script, so
 * the check-and-decrement over several products is atomic: concurrent checkouts of the last units
 * sell exactly what is there. (Stock keys are derived inside the scripts, which suits a single Redis
 * node, not Redis Cluster.)
 */
import { databaseDelay } from '@kit/service';
import { Redis } from 'ioredis';
import { mergeItems, seedStock, type InventoryStore, type Reservation, type ReservationItem, type ReservationStatus } from './store';

// KEYS[1] reservation hash, KEYS[2..n] stock keys; ARGV[1] items JSON, ARGV[2..n] quantities.
// Returns {1, items, status, replayed} or {0, index of the short item (0-based), units available}.
const RESERVE = `
local existing = redis.call('HGET', KEYS[1], 'items')
if existing then return {1, existing, redis.call('HGET', KEYS[1], 'status'), 1} end
for i = 2, #KEYS do
  local have = tonumber(redis.call('GET', KEYS[i]) or '0')
  if have < tonumber(ARGV[i]) then return {0, i - 2, have} end
end
for i = 2, #KEYS do redis.call('DECRBY', KEYS[i], ARGV[i]) end
redis.call('HSET', KEYS[1], 'items', ARGV[1], 'status', 'reserved')
return {1, ARGV[1], 'reserved', 0}`;

// KEYS[1] reservation hash; ARGV[1] target status, ARGV[2] stock key prefix.
// Returns {0} unknown, {2, items, status} conflict, {1, items, status, changed}.
const END = `
local items = redis.call('HGET', KEYS[1], 'items')
if not items then return {0} end
local status = redis.call('HGET', KEYS[1], 'status')
if status == ARGV[1] then return {1, items, status, 0} end
if status ~= 'reserved' then return {2, items, status} end
if ARGV[1] == 'released' then
  for _, item in ipairs(cjson.decode(items)) do redis.call('INCRBY', ARGV[2] .. item.productId, item.quantity) end
end
redis.call('HSET', KEYS[1], 'status', ARGV[1])
return {1, items, ARGV[1], 1}`;

type ScriptReply = [number, ...(string | number)[]];

export interface RedisStoreOptions {
  readonly url: string;
  /** Namespace for every key (tests use a fresh one). */
  readonly prefix?: string;
  readonly initialStock?: number;
}

export async function createRedisStore(options: RedisStoreOptions): Promise<InventoryStore> {
  const prefix = options.prefix ?? 'inventory:';
  const stockKey = (productId: string) => `${prefix}stock:${productId}`;
  const reservationKey = (id: string) => `${prefix}reservation:${id}`;
  const redis = new Redis(options.url, { lazyConnect: true, maxRetriesPerRequest: 2, connectTimeout: 2_000, enableOfflineQueue: false });
  // connection errors surface on the commands that fail; the client reconnects by itself
  redis.on('error', () => undefined);
  await redis.connect();
  // seed without overwriting stock a previous run left
  const seed = redis.multi();
  for (const [productId, units] of seedStock(options.initialStock ?? 100)) seed.setnx(stockKey(productId), units);
  await seed.exec();

  const toReservation = (id: string, items: string, status: string): Reservation => ({
    id,
    items: JSON.parse(items) as ReservationItem[],
    status: status as ReservationStatus,
  });

  return {
    async available(productId) {
      const value = await redis.get(stockKey(productId));
      return value === null ? undefined : Number(value);
    },
    async setAvailable(productId, quantity) {
      await redis.set(stockKey(productId), quantity);
    },
    async reserve(id, requested) {
      // the slow-database chaos fault delays the Redis calls that change stock
      await databaseDelay();
      const items = mergeItems(requested);
      const reply = (await redis.eval(
        RESERVE,
        items.length + 1,
        reservationKey(id),
        ...items.map((item) => stockKey(item.productId)),
        JSON.stringify(items),
        ...items.map((item) => item.quantity),
      )) as ScriptReply;
      if (reply[0] === 0) {
        const short = items[Number(reply[1])];
        return { ok: false, productId: short?.productId ?? 'unknown', available: Number(reply[2]) };
      }
      return { ok: true, reservation: toReservation(id, String(reply[1]), String(reply[2])), replayed: reply[3] === 1 };
    },
    async end(id, to) {
      await databaseDelay();
      const reply = (await redis.eval(END, 1, reservationKey(id), to, `${prefix}stock:`)) as ScriptReply;
      if (reply[0] === 0) return { ok: false, reason: 'unknown' };
      if (reply[0] === 2) return { ok: false, reason: 'conflict', status: String(reply[2]) as ReservationStatus };
      return { ok: true, reservation: toReservation(id, String(reply[1]), String(reply[2])), changed: reply[3] === 1 };
    },
    async get(id) {
      const fields = await redis.hgetall(reservationKey(id));
      return fields.items === undefined || fields.status === undefined ? undefined : toReservation(id, fields.items, fields.status);
    },
    async ping() {
      await redis.ping();
    },
    async close() {
      await redis.quit();
    },
  };
}
