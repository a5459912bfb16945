import { isIP } from 'node:net';
import { z } from 'zod';

/** Fastify's trustProxy from a variable: false, a hop count, or trusted proxy addresses; undefined when invalid. */
export function parseTrustProxy(value: string): false | number | string | undefined {
  const text = value.trim().toLowerCase();
  if (text === '' || text === 'false' || text === '0') return false;
  if (text === 'true') return 1;
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const entries = text.split(',').map((entry) => entry.trim());
  const valid = entries.every((entry) => {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    if (!family || extra !== undefined) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
  });
  return valid ? entries.join(',') : undefined;
}

/** The variable (AUTH_TRUST_PROXY, USER_TRUST_PROXY) that says which X-Forwarded-For entries to believe. */
export function trustProxySetting() {
  return z
    .string()
    .default('false')
    .transform((value, context) => {
      const trust = parseTrustProxy(value);
      if (trust === undefined) {
        context.addIssue({
          code: 'custom',
          message: 'false, true, a number of proxy hops, or a list of proxy IPs/CIDRs',
        });
        return z.NEVER;
      }
      return trust;
    })
    .describe(
      'Behind proxies, which X-Forwarded-For entries to believe: a number of hops (true = 1: the load balancer or ' +
        "API Gateway in front), or a comma-separated list of the proxies' IPs/CIDRs. Never the whole header: its " +
        'left part is written by the client. Every rate limit and the audit log use the address it resolves',
    );
}
