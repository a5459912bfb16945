import { RETRY_AFTER_HEADER, routeDocs, type ErrorCodeDoc } from '@platform/shared/http';

/** The user-service's own error codes (beside the shared ones), each with its status: the API reference lists them per route. */
export const userErrorCodes = {
  PROFILE_NOT_FOUND: {
    status: 404,
    description:
      'No profile for the caller yet (it is made from the registration event within moments: retry after ' +
      '`Retry-After`), or, on GET /users/{id}, no profile the caller may see',
    headers: RETRY_AFTER_HEADER,
  },
  PROFILE_DEACTIVATED: { status: 403, description: 'The caller’s account is deactivated' },
  PROFILE_DELETED: { status: 403, description: 'The caller’s account has been deleted' },
  ADDRESS_NOT_FOUND: { status: 404, description: 'No such address of the caller' },
  ADDRESS_LIMIT_REACHED: { status: 409, description: 'At most 20 addresses per user' },
  PAYMENT_METHOD_NOT_FOUND: { status: 404, description: 'No such payment method of the caller' },
  PAYMENT_METHOD_LIMIT_REACHED: { status: 409, description: 'At most 10 payment methods per user' },
  PAYMENT_METHOD_EXISTS: { status: 409, description: 'This provider token is already saved' },
  CARD_NUMBER_REJECTED: {
    status: 400,
    description: 'A full card number was sent; send the payment provider’s token instead (never stored, never echoed)',
  },
  WISHLIST_FULL: { status: 409, description: 'At most 500 items per wishlist' },
} as const satisfies Record<string, ErrorCodeDoc>;

/**
 * Route documentation of the user-service: every route needs a Bearer token and the caller's
 * active profile (404 before the profile exists, 403 once deactivated or deleted), and is rate
 * limited per user (per client address without a valid token).
 */
export const userRoute = routeDocs(userErrorCodes, {
  everyRoute: ['PROFILE_NOT_FOUND', 'PROFILE_DEACTIVATED', 'PROFILE_DELETED', 'RATE_LIMITED'],
});

/** The tags of the user-service's routes, in the reference's order. */
export const userApiTags = [
  { name: 'profile', description: 'The profile made from the auth-service’s events, and what the user adds to it' },
  { name: 'addresses', description: 'The address book (at most one default)' },
  { name: 'payment methods', description: 'Tokenized payment methods (at most one default; never a card number)' },
  { name: 'preferences', description: 'Language, currency and notification choices' },
  { name: 'wishlist', description: 'Products the user keeps for later' },
];
