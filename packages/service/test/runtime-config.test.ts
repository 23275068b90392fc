import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Lifecycle, createLogger, getMetrics } from '@kit/telemetry';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createRuntimeConfig } from '../src/runtime-config';
import { createServiceApp } from '../src/server';

const schema = z.object({ timeoutMs: z.number().int().min(1).max(5_000), featureOn: z.boolean() });
const logger = () => createLogger({ destination: new PassThrough().resume() });
const metric = async (pattern: RegExp) => Number(pattern.exec(await getMetrics().render(false))?.[1] ?? 'NaN');

describe('runtime configuration', () => {
  it('applies a valid change, bumps the version and counts it', async () => {
    const seen: unknown[] = [];
    const config = createRuntimeConfig({ schema, initial: { timeoutMs: 100, featureOn: true }, logger: logger(), onChange: (c) => seen.push(c) });

    const result = config.apply({ featureOn: false }, 'test');

    expect(result).toEqual({ ok: true, version: 2, config: { timeoutMs: 100, featureOn: false } });
    expect(config.get().featureOn).toBe(false);
    expect(seen).toHaveLength(1);
    expect(await metric(/^kit_config_version (\d+)$/m)).toBe(2);
  });

  it('rejects an invalid change with its reasons and keeps the old configuration', async () => {
    const config = createRuntimeConfig({ schema, initial: { timeoutMs: 100, featureOn: true }, logger: logger() });
    const before = await metric(/^kit_config_reloads_total\{result="rejected"\} (\d+)$/m);

    const result = config.apply({ timeoutMs: -5, surprise: 1 }, 'test');

    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems.join(' ')).toMatch(/timeoutMs: .*Unrecognized key.*surprise|timeoutMs/);
    expect(config.get()).toEqual({ timeoutMs: 100, featureOn: true });
    expect(config.version()).toBe(1);
    expect(await metric(/^kit_config_reloads_total\{result="rejected"\} (\d+)$/m)).toBe((Number.isNaN(before) ? 0 : before) + 1);
  });

  it('follows a watched file, and ignores a broken one', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kit-config-'));
    const file = path.join(dir, 'runtime.json');
    writeFileSync(file, JSON.stringify({ timeoutMs: 100 }));
    const config = createRuntimeConfig({ schema, initial: { timeoutMs: 100, featureOn: true }, logger: logger() });
    const stop = config.watch(file, 20);

    await new Promise((resolve) => setTimeout(resolve, 50));
    writeFileSync(file, JSON.stringify({ timeoutMs: 250 }));
    await expect.poll(() => config.get().timeoutMs).toBe(250);
    writeFileSync(file, '{ not json');
    await new Promise((resolve) => setTimeout(resolve, 150));
    stop();

    expect(config.get()).toEqual({ timeoutMs: 250, featureOn: true });
  });

  it('applies the watched file at once when it already exists', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kit-config-'));
    const file = path.join(dir, 'runtime.json');
    writeFileSync(file, JSON.stringify({ featureOn: false }));
    const config = createRuntimeConfig({ schema, initial: { timeoutMs: 100, featureOn: true }, logger: logger() });
    const stop = config.watch(file, 20);
    stop();
    expect(config.get()).toEqual({ timeoutMs: 100, featureOn: false });
    expect(config.version()).toBe(2);
  });

  it('derives a live view that stays the same object until a change is applied', () => {
    const config = createRuntimeConfig({ schema, initial: { timeoutMs: 100, featureOn: true }, logger: logger() });
    const budget = config.derive((settings) => ({ timeoutMs: settings.timeoutMs }));
    const first = budget();
    expect(budget()).toBe(first);
    config.apply({ timeoutMs: 300 }, 'test');
    expect(budget()).not.toBe(first);
    expect(budget()).toEqual({ timeoutMs: 300 });
    config.apply({ timeoutMs: -1 }, 'test');
    expect(budget()).toEqual({ timeoutMs: 300 });
  });

  it('is read and changed over HTTP with the admin token', async () => {
    const config = createRuntimeConfig({ schema, initial: { timeoutMs: 100, featureOn: true }, logger: logger() });
    const lifecycle = new Lifecycle();
    const app = createServiceApp({ lifecycle, logger: logger(), routes: config.router('runtime-admin-token-123') });
    const token = { 'x-admin-token': 'runtime-admin-token-123' };

    await request(app).get('/admin/config').expect(401);
    const bad = await request(app).put('/admin/config').set(token).send({ timeoutMs: 'soon' }).expect(400);
    const good = await request(app).put('/admin/config').set(token).send({ timeoutMs: 300 }).expect(200);
    const read = await request(app).get('/admin/config').set(token).expect(200);

    expect(bad.body.error.code).toBe('invalid_config');
    expect(good.body).toEqual({ version: 2, config: { timeoutMs: 300, featureOn: true } });
    expect(read.body.version).toBe(2);
  });
});
