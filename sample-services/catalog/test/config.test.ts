import { describe, expect, it } from 'vitest';
import { ConfigError } from '@kit/service';
import { loadConfig } from '../src/config';

describe('loadConfig', () => {
  it('applies defaults: port 8081, in-memory store, recommendations on', () => {
    const config = loadConfig({});

    expect(config).toMatchObject({ PORT: 8081, RECOMMENDATIONS_ENABLED: true, LOG_LEVEL: 'info' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('fails at start listing every invalid key', () => {
    const attempt = () => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', RECOMMENDATIONS_ENABLED: 'yes' });

    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (error) {
      const keys = (error as ConfigError).problems.map((p) => p.split(':')[0]);
      expect(keys.sort()).toEqual(['DATABASE_URL', 'PORT', 'RECOMMENDATIONS_ENABLED']);
    }
  });
});
