/**
 * docker-compose.yml as Docker Compose v2 reads it: scripts/compose-check (Go, compose-go — the
 * Compose Specification's reference parser) validates the file against the schema, interpolates .env
 * and prints the resolved project, which the tests inspect. Plus the raw views the parser hides:
 * which ${VARS} the file uses and what .env defines.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { goTool } from './go-tool';
import { repoPath } from './paths';

export interface ComposeService {
  readonly image?: string;
  readonly profiles?: string[];
  readonly networks?: Record<string, { aliases?: string[] } | null>;
  readonly command?: string[] | null;
  readonly environment?: Record<string, string | null>;
  readonly ports?: { target: number; published?: string; host_ip?: string; protocol?: string }[];
  readonly healthcheck?: { test?: string[]; interval?: string; retries?: number; disable?: boolean };
  readonly depends_on?: Record<string, { condition: string; required?: boolean }>;
  readonly deploy?: { resources?: { limits?: { memory?: string } } };
  readonly restart?: string;
  readonly read_only?: boolean;
  readonly security_opt?: string[];
  readonly cap_drop?: string[];
  readonly user?: string;
  readonly tmpfs?: string[];
  readonly container_name?: string;
  readonly logging?: { driver?: string; options?: Record<string, string> };
  readonly volumes?: { type: string; source?: string; target: string; read_only?: boolean }[];
  readonly build?: { context: string; dockerfile?: string; args?: Record<string, string | null> };
}
export interface ComposeProject {
  readonly name: string;
  readonly services: Record<string, ComposeService>;
  readonly volumes?: Record<string, unknown>;
  readonly networks?: Record<string, unknown>;
}

/**
 * Parses a compose file with compose-go; throws with the parser's message when the file is invalid.
 * `profiles` as `docker compose --profile …` takes them ('*' for all); without, the ones
 * COMPOSE_PROFILES in the env file turns on — what a plain `docker compose up` runs.
 */
export function loadCompose(file = repoPath('docker-compose.yml'), envFile = repoPath('.env'), profiles: readonly string[] = []): ComposeProject {
  try {
    const out = execFileSync(goTool('compose-check'), ['-file', file, '-env', envFile, '-profiles', profiles.join(',')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 });
    return JSON.parse(out) as ComposeProject;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr;
    throw new Error(stderr === undefined || stderr === '' ? String(error) : stderr.trim(), { cause: error });
  }
}

/** KEY=value lines of an env file (comments and blank lines skipped). */
export function readEnvFile(file = repoPath('.env')): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined) entries.set(match[1], match[2] ?? '');
  }
  return entries;
}

/** Every ${VAR} / ${VAR:-default} / $VAR a compose file interpolates ($$ is a literal dollar). */
export function interpolatedVariables(text: string): Set<string> {
  const names = new Set<string>();
  const unescaped = text.replace(/\$\$/g, '');
  for (const match of unescaped.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)/g)) {
    const name = match[1] ?? match[2];
    if (name !== undefined) names.add(name);
  }
  return names;
}

/** Bytes of a compose memory value as compose-go normalises it ("117440512"), or of "112M"-style text. */
export function memoryBytes(value: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmgKMG])?i?[bB]?$/.exec(value);
  if (!match?.[1]) throw new Error(`not a memory size: ${value}`);
  const unit = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30 }[(match[2] ?? '').toLowerCase()] ?? 1;
  return Number(match[1]) * unit;
}

/** The README's footprint table: every container's memory limit, largest first, and the total. */
export function footprintTable(project: ComposeProject): string {
  const rows = Object.entries(project.services)
    .map(([name, service]) => ({ name, bytes: memoryBytes(service.deploy?.resources?.limits?.memory ?? '0') }))
    .sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name));
  const mib = (bytes: number) => `${String(Math.round(bytes / 2 ** 20))} MiB`;
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  return [
    '| container | memory limit |',
    '|---|---:|',
    ...rows.map((row) => `| ${row.name} | ${mib(row.bytes)} |`),
    `| **total (${String(rows.length)} containers)** | **${mib(total)}** |`,
  ].join('\n');
}
