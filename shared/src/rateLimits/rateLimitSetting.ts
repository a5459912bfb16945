import { z } from 'zod';
import type { NodeEnvDefaults } from '../config/parseConfig';
import type { RateLimit } from './limiter';

const units = { s: 1, m: 60, h: 3600 } as const;
const format = /^(\d{1,9})\/(\d{1,6})([smh])?$/;

/** "30/1m" → 30 requests per 60 s; the window in s, m or h (seconds without a unit). */
export function parseRateLimit(text: string): RateLimit | undefined {
  const match = format.exec(text.trim());
  if (!match) return undefined;
  const points = Number(match[1]);
  const durationSeconds = Number(match[2]) * units[(match[3] ?? 's') as keyof typeof units];
  return points >= 1 && durationSeconds >= 1 ? { points, durationSeconds } : undefined;
}

/**
 * A configuration variable holding one rate limit, written `<requests>/<window>` (`10/10m`). The
 * production default applies to every NODE_ENV but development, which gets one a developer's script
 * does not hit (parseConfig reads `nodeEnvDefaults`).
 * @example AUTH_RATE_LIMIT_LOGIN: rateLimitSetting('Logins per client IP', { production: '30/1m', development: '1000/1m' })
 */
export function rateLimitSetting(what: string, defaults: { production: string; development: string }) {
  return z
    .string()
    .default(defaults.production)
    .transform((text, context) => {
      const limit = parseRateLimit(text);
      if (!limit) {
        context.addIssue({ code: 'custom', message: 'must be <requests>/<window>, e.g. 30/1m, 10/10m or 100/3600' });
        return z.NEVER;
      }
      return limit;
    })
    .meta({
      description: `${what}, as <requests>/<window> (window in s, m or h); default ${defaults.production}, in development ${defaults.development}`,
      nodeEnvDefaults: { development: defaults.development } satisfies NodeEnvDefaults,
    });
}
