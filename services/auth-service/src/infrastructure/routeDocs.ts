import { RETRY_AFTER_HEADER, routeDocs, type ErrorCodeDoc } from '@platform/shared/http';

/** The auth-service's own error codes (beside the shared ones), each with its status: the API reference lists them per route. */
export const authErrorCodes = {
  INVALID_CREDENTIALS: { status: 401, description: 'Email or password is incorrect (the same for an unknown email)' },
  INVALID_REFRESH_TOKEN: {
    status: 401,
    description: 'The refresh token is invalid, expired or revoked; a reused rotated token also ends its family',
  },
  ACCOUNT_DEACTIVATED: { status: 403, description: 'The account is deactivated (said only after a correct password)' },
  ACCOUNT_LOCKED: {
    status: 429,
    description: 'Too many failed logins for this email; retry after `Retry-After` seconds',
    headers: RETRY_AFTER_HEADER,
    exampleDetails: { retryAfterSeconds: 60 },
  },
  INVALID_PASSWORD: {
    status: 400,
    description: 'The password is incorrect',
    exampleDetails: [{ field: 'body.password', message: 'incorrect' }],
  },
  INVALID_CURRENT_PASSWORD: {
    status: 400,
    description: 'The current password is incorrect',
    exampleDetails: [{ field: 'body.currentPassword', message: 'incorrect' }],
  },
  // The same wire code as the shared 401 for access tokens, at 400: kept, clients already rely on it.
  INVALID_ONE_TIME_TOKEN: {
    status: 400,
    code: 'INVALID_TOKEN',
    description: 'The token from the mail is invalid, already used or expired',
  },
  EMAIL_TAKEN: { status: 409, description: 'An account with this email already exists' },
  EMAIL_ALREADY_VERIFIED: { status: 409, description: 'The email is already verified' },
  USER_NOT_FOUND: { status: 404, description: 'No such user (or it was deleted)' },
  CANNOT_DEACTIVATE_SELF: { status: 409, description: 'An admin cannot deactivate themselves' },
  CANNOT_DEMOTE_SELF: { status: 409, description: 'An admin cannot remove their own admin role' },
} as const satisfies Record<string, ErrorCodeDoc>;

/** Route documentation of the auth-service: a per-IP rate limit runs on every route (health and docs aside). */
export const authRoute = routeDocs(authErrorCodes, { everyRoute: ['RATE_LIMITED'] });

/** The tags of the auth-service's routes, in the reference's order. */
export const authApiTags = [
  { name: 'auth', description: 'Register, log in, tokens and sessions, the account itself' },
  { name: 'email', description: 'Email address verification' },
  { name: 'password', description: 'Forgotten, reset and changed passwords' },
  { name: 'admin', description: 'Users and the audit log, for admins' },
  { name: 'keys', description: 'The public keys that verify access tokens' },
];
