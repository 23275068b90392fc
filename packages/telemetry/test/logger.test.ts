import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger';
import { getMetrics } from '../src/metrics';
import { REDACTED, redactText } from '../src/redact';
import { captureLines } from './helpers';

describe('the logger', () => {
  it('writes one JSON object per line with level, message, service and timestamp', () => {
    const out = captureLines();
    const logger = createLogger({ destination: out.stream, service: 'orders' });

    logger.info('order placed', { order_id: 'o-1', total_minor: 2599 });

    expect(out.lines()).toEqual([
      expect.objectContaining({ level: 'info', message: 'order placed', 'service.name': 'orders', order_id: 'o-1', total_minor: 2599, timestamp: expect.any(String) }),
    ]);
  });

  it('leaves out trace fields when no span is active', () => {
    const out = captureLines();
    createLogger({ destination: out.stream }).info('starting');

    expect(out.lines()[0]).not.toHaveProperty('trace_id');
  });

  it('drops records below its level, and the level can change at runtime', () => {
    const out = captureLines();
    const logger = createLogger({ destination: out.stream, level: 'warn' });

    logger.info('hidden');
    logger.level = 'debug';
    logger.debug('shown');

    expect(out.lines().map((l) => l.message)).toEqual(['shown']);
  });

  it('never writes secrets: credentials, cookies, tokens and card numbers are redacted', () => {
    const out = captureLines();
    const logger = createLogger({ destination: out.stream });

    logger.info('charging card 4111 1111 1111 1111 for Bearer abc.def.ghi', {
      authorization: 'Bearer abc.def.ghi',
      headers: { cookie: 'session=s3cr3t', 'x-request-id': 'r-1' },
      payment: { cardNumber: '5555555555554444', cvv: '123', amount_minor: 1000 },
      password: 'hunter2',
      note: 'customer typed 4012-8888-8888-1881 into the comment field',
    });

    const [line] = out.lines();
    const text = JSON.stringify(line);
    for (const secret of ['s3cr3t', 'abc.def.ghi', '5555555555554444', 'hunter2', '4111 1111 1111 1111', '4012-8888-8888-1881', '"123"']) {
      expect(text).not.toContain(secret);
    }
    expect(line).toMatchObject({
      authorization: REDACTED,
      headers: { cookie: REDACTED, 'x-request-id': 'r-1' },
      payment: { cardNumber: REDACTED, cvv: REDACTED, amount_minor: 1000 },
      password: REDACTED,
      message: `charging card [CARD ****1111] for Bearer ${REDACTED}`,
      note: 'customer typed [CARD ****1881] into the comment field',
    });
  });
});

describe('log volume', () => {
  it('is counted by level for the metrics endpoint', async () => {
    const logger = createLogger({ destination: captureLines().stream });
    logger.warn('disk nearly full');
    logger.warn('disk nearly full');
    logger.error('disk full');

    const text = await getMetrics().render(false);

    expect(text).toMatch(/^kit_log_records_total\{level="warn"\} 2$/m);
    expect(text).toMatch(/^kit_log_records_total\{level="error"\} 1$/m);
  });
});

describe('redactText', () => {
  it('keeps digit runs that are not valid card numbers, such as order ids and timestamps', () => {
    expect(redactText('order 1234567890123 at 1700000000000')).toBe('order 1234567890123 at 1700000000000');
  });
});
