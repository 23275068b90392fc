/** Where the stack's files live: the repository root and the config folders compose mounts. */
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const repoPath = (...parts: string[]): string => path.join(REPO_ROOT, ...parts);
