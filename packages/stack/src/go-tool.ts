/**
 * The repository's small Go programs (scripts/compose-check, scripts/upstream-config-check,
 * scripts/kustomize-check), built once per source content into the kit's cache folder. Without Go
 * this throws: the checks they back must not be skipped.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { repoPath } from './paths';

export function goTool(name: 'compose-check' | 'upstream-config-check' | 'kustomize-check'): string {
  const source = repoPath('scripts', name);
  const hash = createHash('sha256');
  for (const file of readdirSync(source).filter((f) => /\.go$|^go\.(mod|sum)$/.test(f)).sort()) hash.update(file).update(readFileSync(path.join(source, file)));
  const cache = process.env.KIT_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'msa-kit');
  const binary = path.join(cache, `${name}-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(binary)) {
    mkdirSync(cache, { recursive: true });
    execFileSync('go', ['build', '-o', binary, '.'], { cwd: source, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return binary;
}
