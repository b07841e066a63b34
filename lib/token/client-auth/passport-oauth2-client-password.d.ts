/**
 * Types for passport-oauth2-client-password 0.1 (the package ships none): a Passport strategy
 * named `oauth2-client-password` that reads `client_id` and `client_secret` from `req.body`.
 */
declare module 'passport-oauth2-client-password' {
  import type { Request } from 'express';
  import type { Strategy as PassportStrategy } from 'passport';

  type VerifyCallback = (error: unknown, client?: unknown, info?: unknown) => void;

  export interface StrategyOptions {
    passReqToCallback?: boolean;
  }

  export class Strategy implements PassportStrategy {
    constructor(verify: (clientId: string, clientSecret: string, done: VerifyCallback) => void);
    constructor(
      options: StrategyOptions & { passReqToCallback: true },
      verify: (req: Request, clientId: string, clientSecret: string, done: VerifyCallback) => void,
    );
    name: string;
    authenticate(req: Request, options?: object): void;
  }
}
