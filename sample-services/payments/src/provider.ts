/**
 * The simulated card provider: latency drawn from a log-normal distribution (most charges are quick,
 * a few are slow, as with real acquirers), a small share of declines, and an idempotency ledger so a
 * retried charge never charges twice.
 */
export interface ChargeRequest {
  readonly orderId: string;
  readonly amountMinor: number;
  readonly currency: 'EUR';
  readonly cardToken: string;
}

export interface Charge {
  readonly id: string;
  readonly orderId: string;
  readonly amountMinor: number;
  readonly currency: 'EUR';
  readonly status: 'succeeded' | 'declined';
  readonly declineCode?: string;
  readonly createdAt: string;
}

export interface ProviderSettings {
  /** Median latency of a charge, in ms. */
  readonly medianMs: number;
  /** Spread of the log-normal latency (0 = constant); 0.6 puts p99 near 4x the median. */
  readonly sigma: number;
  /** Share of charges declined at random (0-1). */
  readonly declineRate: number;
}

export interface ProviderDeps {
  readonly settings: () => ProviderSettings;
  /** Uniform [0, 1) source; tests pass a seeded one. */
  readonly random: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

export type ChargeOutcome =
  | { readonly kind: 'charged'; readonly charge: Charge; readonly replayed: boolean }
  | { readonly kind: 'key-reused'; readonly charge: Charge };

/** Cards that always behave one way, for demos and tests. */
export const TEST_CARDS = { alwaysSucceeds: 'tok_visa', alwaysDeclines: 'tok_declined', insufficientFunds: 'tok_no_funds' } as const;

/** A standard normal draw (Box-Muller) from two uniform draws. */
function normal(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export function latencyMs(settings: ProviderSettings, random: () => number): number {
  return Math.min(settings.medianMs * Math.exp(settings.sigma * normal(random)), 30_000);
}

export function createProvider(deps: ProviderDeps) {
  const byKey = new Map<string, { request: ChargeRequest; charge: Promise<Charge> }>();
  const byId = new Map<string, Charge>();
  let sequence = 0;

  function sameRequest(a: ChargeRequest, b: ChargeRequest): boolean {
    return a.orderId === b.orderId && a.amountMinor === b.amountMinor && a.cardToken === b.cardToken;
  }

  function decide(request: ChargeRequest, settings: ProviderSettings): Pick<Charge, 'status' | 'declineCode'> {
    if (request.cardToken === TEST_CARDS.alwaysDeclines) return { status: 'declined', declineCode: 'card_declined' };
    if (request.cardToken === TEST_CARDS.insufficientFunds) return { status: 'declined', declineCode: 'insufficient_funds' };
    if (request.cardToken === TEST_CARDS.alwaysSucceeds) return { status: 'succeeded' };
    return deps.random() < settings.declineRate ? { status: 'declined', declineCode: 'card_declined' } : { status: 'succeeded' };
  }

  return {
    /** Charges once per idempotency key; concurrent retries with the key share the first attempt. */
    async charge(key: string, request: ChargeRequest): Promise<ChargeOutcome> {
      const existing = byKey.get(key);
      if (existing !== undefined) {
        const charge = await existing.charge;
        return sameRequest(existing.request, request) ? { kind: 'charged', charge, replayed: true } : { kind: 'key-reused', charge };
      }
      const settings = deps.settings();
      const attempt = (async () => {
        await deps.sleep(latencyMs(settings, deps.random));
        sequence += 1;
        const charge: Charge = {
          id: `ch_${String(sequence).padStart(8, '0')}`,
          orderId: request.orderId,
          amountMinor: request.amountMinor,
          currency: request.currency,
          ...decide(request, settings),
          createdAt: deps.now().toISOString(),
        };
        byId.set(charge.id, charge);
        return charge;
      })();
      byKey.set(key, { request, charge: attempt });
      return { kind: 'charged', charge: await attempt, replayed: false };
    },
    get(id: string): Charge | undefined {
      return byId.get(id);
    },
  };
}

export type Provider = ReturnType<typeof createProvider>;
