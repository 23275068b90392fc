/**
 * Every pipeline config file, checked by the real tool where one runs here (promtool, amtool, the
 * built Collector) and against the documented keys of the pinned version where none does (Loki,
 * Tempo: their documented key trees are in loki/ and tempo/documented-keys.json), plus the
 * cross-references between files: versions, datasource uids, compose host names.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { collectorBinary, goTool, loadCompose, readEnvFile, repoPath, type ComposeProject } from '../src/index';

const yamlFile = <T,>(...parts: string[]): T => parse(readFileSync(repoPath(...parts), 'utf8')) as T; // eslint-disable-line @typescript-eslint/no-unnecessary-type-parameters -- typed views of parsed YAML

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', cwd: repoPath() });
  if (result.error) throw new Error(`${command} is missing (scripts/engines.sh installs it): ${result.error.message}`);
  expect(result.status, `${command} ${args.join(' ')}\n${result.stdout}${result.stderr}`).toBe(0);
  return result.stdout + result.stderr;
}

/** Dotted key paths of a YAML document; list items contribute their keys under the list's path. */
function keyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => keyPaths(item, prefix));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    return [path, ...keyPaths(child, path)];
  });
}

function undocumentedKeys(configFile: string, keysFile: string, openEnded: readonly string[]): string[] {
  const documented = new Set((JSON.parse(readFileSync(repoPath(keysFile), 'utf8')) as { keys: string[] }).keys);
  return keyPaths(parse(readFileSync(repoPath(configFile), 'utf8')))
    .filter((path) => !documented.has(path))
    .filter((path) => !openEnded.some((prefix) => path.startsWith(`${prefix}.`)));
}

let project: ComposeProject;
beforeAll(() => {
  // builds (once, cached) the Go checkers, under the hook's long timeout
  project = loadCompose();
  goTool('upstream-config-check');
});

describe('config files', () => {
  it('each open with a header comment saying what they are and who loads them', () => {
    const files = [
      'docker-compose.yml', '.env', 'Dockerfile', '.dockerignore', 'otel-collector/config.yaml', 'otel-collector/builder.yaml',
      'prometheus/prometheus.yml', 'alertmanager/alertmanager.yml', 'loki/loki.yaml', 'tempo/tempo.yaml', 'postgres/init-databases.sql',
      ...readdirSync(repoPath('grafana', 'provisioning'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml')).map((f) => `grafana/provisioning/${f}`),
      ...readdirSync(repoPath('alerts'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yml')).map((f) => `alerts/${f}`),
    ];
    for (const file of files) expect(readFileSync(repoPath(file), 'utf8'), file).toMatch(/^(#|--) \S.{10,}\n/);
  });
});

describe('prometheus/prometheus.yml', () => {
  it('passes promtool check config (Prometheus 2.42, so no 3.x-only key slipped in)', () => {
    expect(run('promtool', ['check', 'config', 'prometheus/prometheus.yml'])).toMatch(/SUCCESS/);
  });

  it('loads with the config package of Prometheus 3.14, the version compose runs', () => {
    expect(readEnvFile().get('PROMETHEUS_IMAGE')).toBe('prom/prometheus:v3.14.0');
    expect(run(goTool('upstream-config-check'), ['prometheus', 'prometheus/prometheus.yml'])).toMatch(/is valid/);
  });

  it('is refused by both versions when a key is misspelt (the checks can fail)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kit-prometheus-check-'));
    const broken = path.join(dir, 'prometheus.yml');
    writeFileSync(broken, readFileSync(repoPath('prometheus', 'prometheus.yml'), 'utf8').replace('scrape_interval: 10s', 'scrape_intervall: 10s'));
    expect(spawnSync('promtool', ['check', 'config', broken]).status).not.toBe(0);
    expect(spawnSync(goTool('upstream-config-check'), ['prometheus', broken]).status).not.toBe(0);
  });

  it('scrapes every 10 s and targets compose services that exist on the ports they listen on', () => {
    const config = yamlFile<{ global: { scrape_interval: string }; scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[] }>('prometheus', 'prometheus.yml');
    expect(config.global.scrape_interval).toBe('10s');
    const ports: Record<string, string> = { 'otel-collector': '8888|8889', alertmanager: '9093', loki: '3100', tempo: '3200', grafana: '3000' };
    for (const job of config.scrape_configs) {
      for (const target of job.static_configs?.flatMap((g) => g.targets) ?? []) {
        const [host, port] = target.split(':');
        if (host === 'localhost') continue;
        expect(project.services[host ?? ''], `${job.job_name}: ${target}`).toBeDefined();
        expect(port, target).toMatch(new RegExp(`^(${ports[host ?? ''] ?? 'none'})$`));
      }
    }
  });
});

describe('alertmanager/alertmanager.yml', () => {
  it('passes amtool check-config (0.25, Debian) and the config loader of Alertmanager 0.34 (compose)', () => {
    expect(run('amtool', ['check-config', 'alertmanager/alertmanager.yml'])).toMatch(/SUCCESS/);
    expect(readEnvFile().get('ALERTMANAGER_IMAGE')).toBe('prom/alertmanager:v0.34.0');
    expect(run(goTool('upstream-config-check'), ['alertmanager', 'alertmanager/alertmanager.yml'])).toMatch(/is valid/);
  });
});

describe('otel-collector', () => {
  const manifest = yamlFile<{ dist: { version: string }; [kind: string]: unknown }>('otel-collector', 'builder.yaml');
  const modules = (['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const).flatMap(
    (kind) => ((manifest[kind] as { gomod: string }[] | undefined) ?? []).map((entry) => entry.gomod),
  );

  it('builds at the same version as the compose image, every component included', () => {
    const image = readEnvFile().get('OTELCOL_IMAGE') ?? '';
    expect(image).toBe(`otel/opentelemetry-collector-contrib:${manifest.dist.version}`);
    for (const module of modules) expect(module, module).toMatch(new RegExp(` v${manifest.dist.version.replaceAll('.', '\\.')}$`));
  });

  it('lists exactly the components config.yaml uses', () => {
    const binary = collectorBinary();
    const built = parse(execFileSync(binary, ['components'], { encoding: 'utf8' })) as Record<string, { name: string; module: string }[] | undefined>;
    const config = yamlFile<Record<string, Record<string, unknown> | undefined>>('otel-collector', 'config.yaml');
    for (const kind of ['receivers', 'processors', 'exporters', 'connectors', 'extensions']) {
      const used = new Set(Object.keys(config[kind] ?? {}).map((id) => id.split('/')[0]));
      const available = new Map((built[kind] ?? []).map((c) => [c.name, c.module]));
      expect([...used].filter((type) => !available.has(type ?? '')), `${kind} used but not built`).toEqual([]);
      const unused = [...available.entries()].filter(([type]) => !used.has(type)).map(([, module]) => module);
      expect(unused, `${kind} built but not used`).toEqual([]);
    }
  });

  it('accepts config.yaml (otelcol validate) with the compose defaults for every env variable', () => {
    run(collectorBinary(), ['validate', '--config', 'otel-collector/config.yaml']);
  });

  it('names only what the compose stack has: Tempo, Loki, and the Collector env compose sets', () => {
    const text = readFileSync(repoPath('otel-collector', 'config.yaml'), 'utf8');
    expect(text).toContain('${env:TEMPO_OTLP_HTTP_ENDPOINT:-http://tempo:4318}');
    expect(text).toContain('${env:LOKI_OTLP_HTTP_ENDPOINT:-http://loki:3100/otlp}');
    expect(project.services.tempo).toBeDefined();
    expect(project.services.loki).toBeDefined();
    // bare $VAR is not expanded by the Collector since 0.104: every reference uses ${env:…}
    expect(text.replace(/\$\{env:[A-Z_]+(:-[^}]*)?\}/g, '')).not.toMatch(/\$\{?[A-Za-z]/);
  });
});

describe('loki/loki.yaml (Loki 3.7.6)', () => {
  const config = yamlFile<{
    schema_config: { configs: { store: string; schema: string }[] };
    limits_config: { allow_structured_metadata: boolean; retention_period: string };
    compactor: { retention_enabled: boolean; delete_request_store?: string };
  }>('loki', 'loki.yaml');

  it('uses only keys documented for the pinned version', () => {
    expect(readEnvFile().get('LOKI_IMAGE')).toBe('grafana/loki:3.7.6');
    expect(undocumentedKeys('loki/loki.yaml', 'loki/documented-keys.json', [])).toEqual([]);
  });

  it('stores with tsdb + schema v13 (structured metadata needs both) and enforces its retention', () => {
    expect(config.schema_config.configs.map((c) => [c.store, c.schema])).toEqual([['tsdb', 'v13']]);
    expect(config.limits_config.allow_structured_metadata).toBe(true);
    expect(config.limits_config.retention_period).toBe('168h');
    expect(config.compactor.retention_enabled).toBe(true);
    // retention without a delete-request store stops Loki at start
    expect(config.compactor.delete_request_store).toBe('filesystem');
  });
});

describe('tempo/tempo.yaml (Tempo 3.0.3)', () => {
  const config = yamlFile<Record<string, unknown> & { distributor: { receivers: { otlp: { protocols: Record<string, { endpoint: string }> } } } }>('tempo', 'tempo.yaml');

  it('uses only keys documented for the pinned version', () => {
    expect(readEnvFile().get('TEMPO_IMAGE')).toBe('grafana/tempo:3.0.3');
    // below these, the keys belong to the embedded OTel receiver and Prometheus remote-write configs
    const openEnded = ['distributor.receivers', 'metrics_generator.registry.external_labels', 'metrics_generator.storage.remote_write'];
    expect(undocumentedKeys('tempo/tempo.yaml', 'tempo/documented-keys.json', openEnded)).toEqual([]);
  });

  it('is a 3.x monolithic config: no 2.x blocks, receivers bound to every interface', () => {
    for (const removed of ['ingester', 'ingester_client', 'compactor', 'metrics_generator_client']) expect(config, removed).not.toHaveProperty(removed);
    expect(JSON.stringify(config)).not.toContain('local_blocks');
    expect(config.distributor.receivers.otlp.protocols).toEqual({ grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } });
  });

  it('generates span metrics only: the service graph comes from the Collector, so no series twice', () => {
    expect(config).toMatchObject({ overrides: { defaults: { metrics_generator: { processors: ['span-metrics'] } } } });
    expect(readFileSync(repoPath('otel-collector', 'config.yaml'), 'utf8')).toMatch(/\n {2}service_graph:\n/);
  });
});

describe('grafana/provisioning', () => {
  interface Datasource { name: string; uid: string; type: string; url: string; jsonData?: Record<string, unknown> }
  const { datasources } = yamlFile<{ datasources: Datasource[] }>('grafana', 'provisioning', 'datasources', 'datasources.yaml');
  const text = readFileSync(repoPath('grafana', 'provisioning', 'datasources', 'datasources.yaml'), 'utf8');

  it('provisions Prometheus, Tempo, Loki and Alertmanager with fixed uids, at compose hosts that exist', () => {
    expect(datasources.map((d) => [d.type, d.uid])).toEqual([['prometheus', 'kit-prometheus'], ['tempo', 'kit-tempo'], ['loki', 'kit-loki'], ['alertmanager', 'kit-alertmanager']]);
    for (const datasource of datasources) expect(project.services[new URL(datasource.url).hostname], datasource.url).toBeDefined();
  });

  it('references only datasource uids it provisions', () => {
    const uids = new Set(datasources.map((d) => d.uid));
    const referenced = [...text.matchAll(/(?:datasourceUid|datasourceUID):\s*(\S+)/g)].map((m) => m[1]);
    expect(referenced.length).toBeGreaterThan(4);
    expect(referenced.filter((uid) => !uids.has(uid ?? ''))).toEqual([]);
  });

  it('escapes every Grafana variable so provisioning does not expand it from the environment', () => {
    expect(text.replace(/\$\$/g, '')).not.toContain('$');
  });

  it('links exemplars of both labels (trace_id, traceID), logs to traces by structured metadata, traces to logs by trace id', () => {
    const json = (uid: string) => datasources.find((d) => d.uid === uid)?.jsonData ?? {};
    expect(json('kit-prometheus').exemplarTraceIdDestinations).toEqual([
      expect.objectContaining({ name: 'trace_id', datasourceUid: 'kit-tempo' }),
      expect.objectContaining({ name: 'traceID', datasourceUid: 'kit-tempo' }),
    ]);
    expect(json('kit-loki').derivedFields).toEqual([expect.objectContaining({ matcherType: 'label', matcherRegex: 'trace_id', datasourceUid: 'kit-tempo' })]);
    expect(json('kit-tempo').tracesToLogsV2).toMatchObject({ datasourceUid: 'kit-loki', customQuery: true, query: '{$${__tags}} | trace_id="$${__trace.traceId}"' });
    expect(json('kit-tempo').serviceMap).toEqual({ datasourceUid: 'kit-prometheus' });
  });

  it('loads dashboards from the folder compose mounts, one Grafana folder per sub-folder', () => {
    const { providers } = yamlFile<{ providers: { type: string; options: { path: string; foldersFromFilesStructure: boolean }; folder?: string }[] }>('grafana', 'provisioning', 'dashboards', 'dashboards.yaml');
    expect(providers).toHaveLength(1);
    expect(providers[0]?.options).toEqual({ path: '/var/lib/grafana/dashboards', foldersFromFilesStructure: true });
    expect(providers[0]?.folder).toBeUndefined();
    const mounts = project.services.grafana?.volumes?.map((v) => `${v.source ?? ''}:${v.target}`) ?? [];
    expect(mounts).toContain(`${repoPath('grafana', 'dashboards')}:/var/lib/grafana/dashboards`);
    // the home page is the generated Overview, at the path the mount puts it
    const home = project.services.grafana?.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    expect(home).toBe('/var/lib/grafana/dashboards/kit/kit-overview.json');
    expect(JSON.parse(readFileSync(repoPath('grafana', 'dashboards', home.replace('/var/lib/grafana/dashboards/', '')), 'utf8'))).toMatchObject({ uid: 'kit-overview' });
  });
});
