/** The runtime settings the gateway serves at /storefront-config.json (see the gateway's storefront.ts). */
export interface Settings {
  readonly faroUrl?: string;
  readonly appName: string;
  readonly environment: string;
  readonly grafanaUrl: string;
}

const FALLBACK: Settings = { appName: 'storefront', environment: 'development', grafanaUrl: 'http://localhost:3000' };

export async function loadSettings(): Promise<Settings> {
  try {
    const response = await fetch('/storefront-config.json', { cache: 'no-store' });
    if (!response.ok) return FALLBACK;
    return { ...FALLBACK, ...((await response.json()) as Partial<Settings>) };
  } catch {
    // the shop still works without telemetry settings
    return FALLBACK;
  }
}
