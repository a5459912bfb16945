import { z } from 'zod';
import { createHash, randomBytes } from 'node:crypto';

/** A 256-bit random token for refresh, reset and verification links, URL-safe. */
export function generateOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database stores instead of a token: its SHA-256. A leaked table reveals no usable token. */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** An opaque token as a request carries it (refresh, verification, reset). */
export const opaqueTokenSchema = z
  .string()
  .min(20)
  .max(200)
  .meta({ description: 'An opaque token issued by this service' });
