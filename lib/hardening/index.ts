/**
 * Hardening of the endpoints against hostile clients. Today: brute-force protection of client
 * authentication (`brute-force/`).
 */
export * from './brute-force';
