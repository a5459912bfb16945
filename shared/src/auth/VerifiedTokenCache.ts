import type { Principal } from './accessToken';

interface Entry {
  principal: Principal;
  /** The token's `exp`, in ms: the entry is never used at or after it. */
  expiresAtMs: number;
}

/**
 * Access tokens whose signature and claims were already verified, keyed by the token itself, each
 * until the token's own expiry: a client that sends the same token on every request pays for one
 * signature check, not one per request. Bounded (least recently used first out), in-process.
 * Only what the signature proves is cached; whether the token's session has ended is still asked on
 * every request (bearerAuth), so a revocation takes effect at once.
 * @example const cache = new VerifiedTokenCache(10_000); cache.get(token) ?? cache.set(token, await verify(token), exp)
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(maxEntries >= 1)) throw new Error(`a verified-token cache needs room for at least one token (${maxEntries})`);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The principal of a verified, unexpired token; undefined otherwise. */
  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    this.entries.delete(token);
    if (this.now() >= entry.expiresAtMs) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.entries.set(token, entry);
    return entry.principal;
  }

  /** Remembers a token verified just now, until `expiresAtSeconds` (its `exp` claim). */
  set(token: string, principal: Principal, expiresAtSeconds: number): void {
    const expiresAtMs = expiresAtSeconds * 1000;
    if (this.now() >= expiresAtMs) return;
    this.entries.delete(token);
    // Frozen: one principal now serves many requests, none of which may change it for the others.
    const frozen = Object.freeze({ ...principal, roles: Object.freeze([...principal.roles]) }) as Principal;
    this.entries.set(token, { principal: frozen, expiresAtMs });
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}
