/**
 * Host-app hooks of the token endpoint: a token was issued, a client failed to authenticate.
 * Events never carry a secret or a hash. A hook that throws or rejects is ignored: it can
 * neither change nor break the response.
 */

/** Why client authentication failed; every reason answers the same `invalid_client` 401. */
export type AuthenticationFailureReason = 'unknown_client' | 'bad_secret' | 'disabled' | 'malformed';

export interface TokenIssuedEvent {
  clientId: string;
  scopes: string[];
  audience: string[];
  jti: string;
  expiresAt: Date;
  /** `req.ip` (honours the host app's `trust proxy` setting). */
  ip: string | undefined;
}

export interface AuthenticationFailedEvent {
  /** The client id the request claimed, when it carried one; not proof that such a client exists. */
  clientId?: string;
  reason: AuthenticationFailureReason;
  ip: string | undefined;
}

export interface TokenHooks {
  onTokenIssued?(event: TokenIssuedEvent): void | Promise<void>;
  onAuthenticationFailed?(event: AuthenticationFailedEvent): void | Promise<void>;
}

/**
 * Runs a hook call, swallowing a throw or a rejection.
 *
 * @example
 * callHookSafely(() => hooks.onTokenIssued?.(event));
 */
export function callHookSafely(call: () => void | Promise<void> | undefined): void {
  try {
    const result = call();
    if (result instanceof Promise) result.catch(ignore);
  } catch {
    // A host hook must not break the response.
  }
}

function ignore(): void {
  // Intentionally empty: hook failures are the host's to log.
}
