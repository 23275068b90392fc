/** The command line of `npm run dev` (dev.ts): the mode, and replicas per service. */
import { REPLICABLE, type ReplicableService } from '@kit/runner';

const USAGE = 'usage: npm run dev [-- --monolith | --replicas catalog=2[,inventory=2,payments=2]]';

/** `--monolith`, or `--replicas <service>=<n>[,…]` (also `--replicas=…`). */
export function parseArgs(args: readonly string[]): { mode: 'services' | 'monolith'; replicas: Partial<Record<ReplicableService, number>> } {
  let mode: 'services' | 'monolith' = 'services';
  const replicas: Partial<Record<ReplicableService, number>> = {};
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    if (arg === '--monolith') {
      mode = 'monolith';
      continue;
    }
    const inline = /^--replicas=(.*)$/.exec(arg)?.[1];
    const spec = inline ?? (arg === '--replicas' ? args[(index += 1)] : undefined);
    if (spec === undefined) throw new Error(`unknown argument ${arg}; ${USAGE}`);
    for (const item of spec.split(',')) {
      const match = /^([a-z]+)=([1-9])$/.exec(item.trim());
      const service = match?.[1] as ReplicableService | undefined;
      if (match === null || service === undefined || !REPLICABLE.includes(service)) throw new Error(`--replicas takes ${REPLICABLE.join('|')}=<1-9>, not "${item}"; ${USAGE}`);
      replicas[service] = Number(match[2]);
    }
  }
  if (mode === 'monolith' && Object.keys(replicas).length > 0) throw new Error(`--replicas needs the services mode; ${USAGE}`);
  return { mode, replicas };
}

