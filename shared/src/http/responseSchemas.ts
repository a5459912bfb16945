import { z } from 'zod';

/** The error body every route answers with (see errorHandler): `{ error: { code, message, details? } }`. */
export const errorResponse = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** 202: the request was taken; what it causes happens asynchronously (a mail, an event). */
export const acceptedResponse = z.object({ status: z.literal('accepted') });

/** 204. */
export const noContent = z.null().meta({ description: 'No content' });
