/**
 * `npm run dashboards`: writes every dashboard to grafana/dashboards/kit/<uid>.json (the folder
 * Grafana's provider shows as "kit") and removes stale ones. Output is deterministic; CI fails when
 * the committed files differ from a fresh generation.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { dashboards, FOLDER, render } from './index';

const target = path.resolve(__dirname, '..', '..', '..', 'grafana', 'dashboards', FOLDER);
mkdirSync(target, { recursive: true });
const written = new Set<string>();
for (const board of dashboards()) {
  const { file, json } = render(board);
  writeFileSync(path.join(target, file), json);
  written.add(file);
}
for (const file of readdirSync(target)) if (!written.has(file)) rmSync(path.join(target, file));
console.log(`dashboards: wrote ${String(written.size)} files to ${path.relative(process.cwd(), target)}`);
