/**
 * RFC 6749 §2.3.1 `client_secret_basic` as a Passport strategy: passport-http's `BasicStrategy`
 * (registered as `basic`) with the credentials read as RFC 7617 §2 says — split at the FIRST colon,
 * so a secret may contain colons (`curl -u id:se:cret`). passport-http's own parser cuts a
 * secret at its second colon, and decodes with the deprecated `new Buffer()`, which costs every
 * one of a process's first 10 000 requests a stack walk.
 */
import type { Request } from 'express';
import { BasicStrategy } from 'passport-http';
import { readBasicCredentials } from './basic-credentials';

/** The verify callback: the client id and secret as sent (still form-encoded). */
export type BasicCredentialsVerify = (
  req: Request,
  encodedId: string,
  encodedSecret: string,
  done: (error: unknown, client?: unknown) => void,
) => void;

/** What Passport adds to a strategy while it authenticates a request. */
interface AuthenticatingStrategy {
  success(user: unknown): void;
  fail(status?: number): void;
  error(error: unknown): void;
}

/**
 * @example
 * passport.use(new ClientBasicStrategy((req, id, secret, done) => done(null, lookUp(id, secret))));
 */
export class ClientBasicStrategy extends BasicStrategy {
  private readonly verifyCredentials: BasicCredentialsVerify;

  constructor(verify: BasicCredentialsVerify) {
    super({ passReqToCallback: true }, verify);
    this.verifyCredentials = verify;
  }

  override authenticate(req: Request): void {
    const strategy = this as unknown as AuthenticatingStrategy;
    const credentials = readBasicCredentials(req.headers.authorization ?? '');
    if (!credentials) return strategy.fail(400);
    this.verifyCredentials(req, credentials.id, credentials.secret, (error, client) => {
      if (error) strategy.error(error);
      else if (client) strategy.success(client);
      else strategy.fail();
    });
  }
}
