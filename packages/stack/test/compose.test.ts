/**
 * docker-compose.yml, .env and the Dockerfile, checked without a Docker engine: compose-go (the
 * parser Docker Compose v2 uses) validates and resolves the file; the tests then read the resolved
 * project for what the kit promises — pinned images, a memory budget, three published ports (Grafana, gateway, Faro receiver), health
 * checks behind every `service_healthy`, hardened containers, scalable services.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { footprintTable, interpolatedVariables, loadCompose, memoryBytes, readEnvFile, repoPath, type ComposeProject } from '../src/index';

const KIT_SERVICES = ['gateway', 'catalog', 'orders', 'inventory', 'payments', 'notifications', 'loadgen'];
/** Every container built from our image, in either mode. */
const KIT_CONTAINERS = [...KIT_SERVICES, 'monolith'];
const SHOP = ['gateway', 'catalog', 'orders', 'inventory', 'payments', 'notifications'];
const BACKING = ['postgres', 'redis', 'rabbitmq', 'otel-collector', 'prometheus', 'alertmanager', 'loki', 'tempo', 'grafana'];
const composeText = readFileSync(repoPath('docker-compose.yml'), 'utf8');
const env = readEnvFile();
/** What `docker compose up` runs (COMPOSE_PROFILES from .env). */
let project: ComposeProject;
/** What `docker compose --profile monolith up` runs. */
let monolith: ComposeProject;
/** Every profile at once, so every definition is checked. */
let everything: ComposeProject;

beforeAll(() => {
  project = loadCompose();
  monolith = loadCompose(undefined, undefined, ['monolith']);
  everything = loadCompose(undefined, undefined, ['*']);
});

describe('docker-compose.yml', () => {
  it('is a valid Compose Specification file, as compose-go resolves it', () => {
    expect(project.name).toBe('msa-kit');
    expect(Object.keys(project.services).sort()).toEqual([...KIT_SERVICES, ...BACKING].sort());
  });

  it('runs the monolith instead of the six services under --profile monolith, with the same stores, port and load', () => {
    expect(env.get('COMPOSE_PROFILES')).toBe('services');
    expect(Object.keys(monolith.services).sort()).toEqual(['monolith', 'loadgen', ...BACKING].sort());
    for (const name of SHOP) expect(everything.services[name]?.profiles, name).toEqual(['services']);
    expect(everything.services.monolith?.profiles).toEqual(['monolith']);
    const mono = monolith.services.monolith?.environment ?? {};
    expect(mono.OTEL_SERVICE_NAME).toBe('monolith');
    // each module keeps the database, Redis and broker its service uses
    expect(mono.CATALOG_DATABASE_URL).toBe(project.services.catalog?.environment?.DATABASE_URL);
    expect(mono.ORDERS_DATABASE_URL).toBe(project.services.orders?.environment?.DATABASE_URL);
    expect(mono.REDIS_URL).toBe(project.services.inventory?.environment?.REDIS_URL);
    expect(mono.AMQP_URL).toBe(project.services.orders?.environment?.AMQP_URL);
    expect(mono.AMQP_URL).toBe(project.services.notifications?.environment?.AMQP_URL);
    // the load generator calls "shop", which both public entry points answer to, and waits for either
    expect(project.services.loadgen?.environment?.GATEWAY_URL).toBe('http://shop:8080');
    expect(project.services.gateway?.networks?.kit?.aliases).toEqual(['shop']);
    expect(monolith.services.monolith?.networks?.kit?.aliases).toEqual(['shop']);
    for (const name of ['gateway', 'monolith']) expect(monolith.services.loadgen?.depends_on?.[name], name).toEqual({ condition: 'service_healthy', required: false });
  });

  it('is rejected by the same parser when a service has a key the specification does not know', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kit-compose-'));
    const broken = path.join(dir, 'docker-compose.yml');
    writeFileSync(broken, composeText.replace('  payments:\n    <<: *service\n', '  payments:\n    <<: *service\n    restart_policy_typo: always\n'));
    expect(() => loadCompose(broken, repoPath('.env'))).toThrow(/restart_policy_typo/);
  });

  it('uses only variables that .env defines, and .env defines nothing it does not use', () => {
    const used = interpolatedVariables(composeText);
    const defined = new Set(env.keys());
    expect([...used].filter((name) => !defined.has(name))).toEqual([]);
    // NODE_IMAGE reaches the Dockerfile as a build argument through compose, so it is used too;
    // COMPOSE_PROFILES is read by compose itself
    expect([...defined].filter((name) => !used.has(name) && name !== 'COMPOSE_PROFILES')).toEqual([]);
  });

  it('pins every image to an exact version tag', () => {
    for (const [name, service] of Object.entries(project.services)) {
      const image = service.image ?? '';
      expect(image, name).toMatch(/^[a-z0-9./-]+:v?\d+\.\d+(\.\d+)?(-[a-z0-9.-]+)?$/);
    }
    expect(env.get('NODE_IMAGE')).toMatch(/^node:24\.\d+\.\d+-[a-z]+-slim$/);
  });

  it('gives every container a memory limit, and all of them fit in 2 GiB in either mode', () => {
    for (const mode of [project, monolith]) {
      let total = 0;
      for (const [name, service] of Object.entries(mode.services)) {
        const limit = service.deploy?.resources?.limits?.memory;
        expect(limit, name).toBeDefined();
        total += memoryBytes(limit ?? '0');
      }
      expect(total).toBeLessThanOrEqual(2 * 2 ** 30);
    }
  });

  it('matches the footprint tables in the README (services, and the monolith profile)', () => {
    const readme = readFileSync(repoPath('README.md'), 'utf8');
    const block = (name: string) => new RegExp(`<!-- ${name}:start -->\\n([\\s\\S]*?)\\n<!-- ${name}:end -->`).exec(readme)?.[1];
    expect(block('footprint')).toBe(footprintTable(project));
    expect(block('footprint-monolith')).toBe(footprintTable(monolith));
  });

  it('publishes only Grafana, the gateway and the Faro receiver, on the address and ports .env sets', () => {
    const published = Object.entries(project.services)
      .filter(([, service]) => (service.ports ?? []).length > 0)
      .map(([name, service]) => [name, service.ports?.map((p) => `${p.host_ip ?? ''}:${p.published ?? ''}:${String(p.target)}`)]);
    expect(Object.fromEntries(published)).toEqual({
      gateway: [`${env.get('PUBLISH_ADDRESS') ?? ''}:${env.get('GATEWAY_PORT') ?? ''}:8080`],
      grafana: [`${env.get('PUBLISH_ADDRESS') ?? ''}:${env.get('GRAFANA_PORT') ?? ''}:3000`],
      'otel-collector': [`${env.get('PUBLISH_ADDRESS') ?? ''}:${env.get('FARO_PORT') ?? ''}:8027`],
    });
    // the monolith takes the gateway's place on the same port
    const publishedByMonolith = Object.entries(monolith.services).filter(([, service]) => (service.ports ?? []).length > 0).map(([name]) => name);
    expect(publishedByMonolith.sort()).toEqual(['grafana', 'monolith', 'otel-collector']);
    expect(monolith.services.monolith?.ports).toEqual(project.services.gateway?.ports);
  });

  it('waits only on health checks that exist, and restarts every container', () => {
    for (const [name, service] of Object.entries(everything.services)) {
      expect(service.restart, name).toBe('unless-stopped');
      expect(service.logging, name).toEqual({ driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } });
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = everything.services[dependency];
        expect(target, `${name} depends on ${dependency}`).toBeDefined();
        if (condition === 'service_healthy') expect(target?.healthcheck?.test, `${dependency} has a health check`).toBeDefined();
      }
    }
    // the Collector image is FROM scratch: nothing inside can probe it, so nobody waits on its health
    expect(project.services['otel-collector']?.healthcheck).toBeUndefined();
    const withoutCheck = Object.entries(everything.services).filter(([, s]) => s.healthcheck?.test === undefined).map(([n]) => n);
    expect(withoutCheck).toEqual(['otel-collector']);
  });

  it('runs the kit services hardened: read-only root, no new privileges, no capabilities, non-root user', () => {
    for (const name of KIT_CONTAINERS) {
      const service = everything.services[name];
      expect(service?.image, name).toBe(env.get('KIT_IMAGE'));
      expect(service?.read_only, name).toBe(true);
      expect(service?.security_opt, name).toContain('no-new-privileges:true');
      expect(service?.cap_drop, name).toEqual(['ALL']);
      expect(service?.tmpfs, name).toEqual(['/tmp']);
      expect(service?.command, name).toEqual([`sample-services/${name}/dist/main.js`]);
      expect(existsSync(repoPath('sample-services', name, 'dist', 'main.js')), `${name} is built`).toBe(true);
    }
    const dockerfile = readFileSync(repoPath('Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(runtime).toMatch(/\nUSER node\n/);
    expect(runtime).toMatch(/ENTRYPOINT \["node", "--require", "@kit\/telemetry\/register"\]/);
  });

  it('leaves chaos and admin routes off unless .env sets a token', () => {
    expect(env.get('ADMIN_TOKEN')).toBe('');
    for (const name of ['gateway', 'catalog', 'inventory', 'monolith']) expect(everything.services[name]?.environment?.ADMIN_TOKEN, name).toBe('');
    expect(env.get('CHAOS_ENABLED')).toBe('false');
    for (const name of KIT_CONTAINERS) {
      expect(everything.services[name]?.environment?.CHAOS_ENABLED, name).toBe('false');
      expect(everything.services[name]?.environment?.CHAOS_TOKEN, name).toBe('');
    }
  });

  it('lets stateless services scale: no fixed names, no host ports, every replica scraped by DNS discovery', () => {
    for (const [name, service] of Object.entries(everything.services)) expect(service.container_name, name).toBeUndefined();
    const prometheus = parse(readFileSync(repoPath('prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: { job_name: string; dns_sd_configs?: { names: string[]; type: string; port: number }[] }[];
    };
    const job = prometheus.scrape_configs.find((j) => j.job_name === 'kit-services');
    // both modes' names: the one not running resolves to nothing
    expect(job?.dns_sd_configs).toEqual([{ names: [...SHOP, 'monolith', 'loadgen'], type: 'A', port: 8080, refresh_interval: '10s' }]);
  });

  it('sends every service the same telemetry settings, to the Collector', () => {
    for (const name of KIT_CONTAINERS) {
      const environment = everything.services[name]?.environment ?? {};
      expect(environment.OTEL_SERVICE_NAME, name).toBe(name);
      expect(environment.OTEL_EXPORTER_OTLP_ENDPOINT, name).toBe('http://otel-collector:4318');
      expect(environment.OTEL_RESOURCE_ATTRIBUTES, name).toBe(`service.namespace=kit,deployment.environment.name=${env.get('KIT_ENVIRONMENT') ?? ''}`);
    }
  });

  it('mounts only files and folders that exist in the repository', () => {
    for (const [name, service] of Object.entries(everything.services)) {
      for (const volume of service.volumes ?? []) {
        if (volume.type === 'bind') expect(existsSync(volume.source ?? ''), `${name}: ${volume.source ?? ''}`).toBe(true);
      }
    }
  });
});

describe('Dockerfile', () => {
  it('copies only paths that exist, and every workspace manifest npm ci needs', () => {
    const dockerfile = readFileSync(repoPath('Dockerfile'), 'utf8');
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] ?? '').split(' '));
    for (const source of sources) expect(existsSync(repoPath(source)), source).toBe(true);
    const workspaces = (JSON.parse(readFileSync(repoPath('package-lock.json'), 'utf8')) as { packages: Record<string, { name?: string }> }).packages;
    const manifests = Object.keys(workspaces).filter((key) => key !== '' && !key.includes('node_modules')).map((key) => `${key}/package.json`);
    expect(manifests.filter((manifest) => !sources.includes(manifest)).sort()).toEqual([]);
  });
});
