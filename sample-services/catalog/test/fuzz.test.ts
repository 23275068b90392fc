import fc from 'fast-check';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { testApp } from './helpers';

const app = testApp();
const anyValue = fc.oneof(fc.string({ maxLength: 40 }), fc.integer().map(String), fc.constantFrom('', '-1', '1e9', 'NaN', '%00', '../', "' OR 1=1 --"));
const anyQuery = fc.dictionary(fc.constantFrom('category', 'q', 'limit', 'offset', 'x', 'limit[]'), anyValue, { maxKeys: 4 });

describe('random input', () => {
  it('never gets a 5xx from any route, and every error is JSON that says what was wrong', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/products', '/products/p-001', '/products/p-001/recommendations', '/categories'),
        anyQuery,
        fc.string({ maxLength: 12 }),
        async (path, query, idNoise) => {
          const target = path.includes('p-001') && idNoise !== '' ? path.replace('p-001', encodeURIComponent(idNoise)) : path;
          const res = await request(app).get(target).query(query);
          expect(res.status).toBeLessThan(500);
          if (res.status >= 400) expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
        },
      ),
      { numRuns: 300 },
    );
  });
});
