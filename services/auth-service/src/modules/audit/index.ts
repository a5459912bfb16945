/** The security audit log: what every module records, and the request context it records with. */
export * from './auditLog';
