/**
 * `npm run dev -- --replicas catalog=2`: the command line, and the native Prometheus config scraping
 * every replica under the job the one compose name had. Pure: no process is started.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../src/dev-args';
import { loopbackTargets, nativePrometheusConfig, repoPath } from '../src/index';

describe('npm run dev arguments', () => {
  it('reads the mode and the replicas per service', () => {
    expect(parseArgs([])).toEqual({ mode: 'services', replicas: {} });
    expect(parseArgs(['--monolith'])).toEqual({ mode: 'monolith', replicas: {} });
    expect(parseArgs(['--replicas', 'catalog=2'])).toEqual({ mode: 'services', replicas: { catalog: 2 } });
    expect(parseArgs(['--replicas=catalog=2,payments=3'])).toEqual({ mode: 'services', replicas: { catalog: 2, payments: 3 } });
  });

  it('refuses what it cannot run, saying what it takes', () => {
    expect(() => parseArgs(['--replicas', 'orders=2'])).toThrow(/--replicas takes catalog\|inventory\|payments=<1-9>, not "orders=2"/);
    expect(() => parseArgs(['--replicas', 'catalog=0'])).toThrow(/not "catalog=0"/);
    expect(() => parseArgs(['--replicas'])).toThrow(/unknown argument --replicas/);
    expect(() => parseArgs(['--monolith', '--replicas', 'catalog=2'])).toThrow(/needs the services mode/);
    expect(() => parseArgs(['--fast'])).toThrow(/unknown argument --fast; usage: npm run dev/);
  });
});

describe('the native Prometheus config with replicas', () => {
  it('scrapes each replica of a service where compose has one name', () => {
    const source = readFileSync(repoPath('prometheus', 'prometheus.yml'), 'utf8');
    const one = parse(nativePrometheusConfig(source, loopbackTargets(8080)).yaml) as { scrape_configs: { static_configs?: { targets: string[] }[] }[] };
    const two = parse(nativePrometheusConfig(source, loopbackTargets(8080, {}, undefined, { catalog: 2 })).yaml) as typeof one;
    const targets = (config: typeof one) => config.scrape_configs.flatMap((job) => (job.static_configs ?? []).flatMap((group) => group.targets));

    expect(targets(one)).toContain('127.0.0.1:8081');
    expect(targets(one)).not.toContain('127.0.0.1:8091');
    expect(targets(two)).toEqual(expect.arrayContaining(['127.0.0.1:8081', '127.0.0.1:8091']));
    expect(targets(two).length).toBe(targets(one).length + 1);
  });
});
