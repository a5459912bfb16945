/** Passwords: hashing (argon2id), the policy, and the change/forgot/reset routes. */
export { registerPasswordRoutes } from './passwordRoutes';
export * from './passwordHasher';
export { givenPasswordSchema, newPasswordSchema } from './passwordPolicy';
