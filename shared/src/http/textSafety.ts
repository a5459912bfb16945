import type { FastifyInstance } from 'fastify';
import { AppError } from './errors';

const MESSAGE = 'must not contain NUL (U+0000) or unpaired surrogate characters';
const MAX_DEPTH = 32;
const MAX_ISSUES = 10;

/** True for text Postgres can store and JSON can carry faithfully: no NUL, no lone UTF-16 surrogate. */
export function isStorableText(value: string): boolean {
  return !value.includes('\u0000') && !LONE_SURROGATE.test(value);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Refuses, before validation, any request whose body, query or path parameters hold a string (or an
 * object key) with a NUL character or an unpaired surrogate: Postgres cannot store either (it used to
 * be a 500 on every free-text field), and they are never meaningful text. The answer is the usual 400
 * VALIDATION_FAILED naming each field, for every route at once rather than one schema at a time.
 */
export function registerTextSafety(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    const issues: Array<{ field: string; message: string }> = [];
    const visit = (value: unknown, path: string[], depth: number) => {
      if (issues.length >= MAX_ISSUES || depth > MAX_DEPTH) return;
      if (typeof value === 'string') {
        if (!isStorableText(value)) issues.push({ field: path.join('.'), message: MESSAGE });
      } else if (Array.isArray(value)) {
        value.forEach((item, index) => visit(item, [...path, String(index)], depth + 1));
      } else if (value && typeof value === 'object') {
        for (const [key, item] of Object.entries(value)) {
          if (!isStorableText(key)) issues.push({ field: [...path, '(key)'].join('.'), message: MESSAGE });
          else visit(item, [...path, key], depth + 1);
        }
      }
    };
    visit(request.params, ['params'], 0);
    visit(request.query, ['querystring'], 0);
    visit(request.body, ['body'], 0);
    if (issues.length > 0) {
      throw new AppError(
        400,
        'VALIDATION_FAILED',
        `invalid request: ${issues.map((issue) => `${issue.field}: ${issue.message}`).join('; ')}`,
        issues,
      );
    }
  });
}
