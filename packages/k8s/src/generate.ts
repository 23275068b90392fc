/**
 * `npm run k8s`: writes every manifest and kustomization to k8s/ and removes stale files. Output is
 * deterministic; CI fails when the committed files differ from a fresh generation.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoPath } from '@kit/stack';
import { renderAll } from './render.js';

const root = repoPath('k8s');
const files = renderAll();
for (const [file, text] of files) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}
for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
  const relative = path.relative(root, path.join(entry.parentPath, entry.name));
  if (entry.isFile() && relative.endsWith('.yaml') && !files.has(relative)) rmSync(path.join(root, relative));
}
console.log(`k8s: wrote ${String(files.size)} files to k8s/`);
