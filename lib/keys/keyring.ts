/**
 * The keyring: one active signing key and any number of verification keys, each with a `kid`.
 *
 * RFC 7517 (JWK / JWK Set: the public keys it publishes), RFC 7638 (the default `kid` is the JWK
 * thumbprint), RFC 7518 §3 (which key serves which algorithm). Every key is parsed once into a
 * `KeyObject` when it enters the keyring; signing and verifying never re-read key material.
 * Rotation happens in place (`add` → `activate` → `retire`) and is announced through `onChange`.
 */
import { createSecretKey, generateKeyPair, randomBytes } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { KeyInput } from './key-material';
import {
  KeyMaterialError,
  MIN_HMAC_SECRET_BYTES,
  MIN_RSA_MODULUS_BITS,
  assertSigningAlgorithm,
  isSigningAlgorithm,
  parseSigningKey,
  parseVerificationKey,
} from './key-material';
import { keyThumbprint } from './thumbprint';
import type {
  JsonWebKeySet,
  KeySourceChange,
  PublicJwk,
  SigningAlgorithm,
  SigningKey,
  VerificationKey,
  VerificationKeySource,
} from './types';

const generateKeyPairAsync = promisify(generateKeyPair);

/** setTimeout's longest delay; a later scheduled retirement is re-armed in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface KeyringClockOption {
  /** Milliseconds since the epoch; `Date.now` by default. Decides when a scheduled retirement is due. */
  now?: () => number;
}

export interface KeyIdOption {
  /** The key's `kid`; the RFC 7638 thumbprint of the key by default. */
  kid?: string;
}

export interface GenerateKeyOptions extends KeyIdOption, KeyringClockOption {
  /** RSA modulus length in bits (RS256 / PS256); 2048 by default, never less. */
  modulusLength?: number;
}

export interface PemKeyringOptions extends KeyIdOption, KeyringClockOption {
  /** A PKCS#8 / PKCS#1 / SEC1 private key in PEM. */
  privateKey: string;
  alg: SigningAlgorithm;
}

export interface JwkKeyringOptions extends KeyIdOption, KeyringClockOption {
  /** The algorithm; else the JWK's `alg`, else inferred from its `kty` (RSA → RS256, EC → ES256, oct → HS256). */
  alg?: SigningAlgorithm;
}

export type SecretKeyringOptions = KeyIdOption & KeyringClockOption;

/** A key to add to the keyring. A verification-only key has a public key and no private key. */
export interface NewKey extends KeyIdOption {
  alg: SigningAlgorithm;
  privateKey?: KeyInput;
  publicKey?: KeyInput;
}

export interface AddKeyOptions {
  /** Make the new key the active signer at once (it needs a private key). */
  activate?: boolean;
}

export interface RetireKeyOptions {
  /** Remove the key from verification at this time instead of now (tokens it signed stay valid until then). */
  at?: Date;
}

/** One key of the ring as `Keyring.describe()` reports it: never key material. */
export interface KeyringEntryDescription {
  kid: string;
  alg: SigningAlgorithm;
  /** The active signer. */
  active: boolean;
  /** Has a private key (or secret), so it could be activated. */
  canSign: boolean;
  /** When a scheduled retirement is due. */
  retireAt?: Date;
}

/** Thrown for a misuse of the keyring (unknown kid, duplicate kid, retiring the active signer, …). */
export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

interface KeyEntry {
  kid: string;
  alg: SigningAlgorithm;
  /** Private key (RS/PS/ES) or secret (HS); absent for a verification-only key. */
  signingKey?: SigningKey;
  verificationKey: VerificationKey;
  /** When a scheduled retirement is due (ms since the epoch). */
  retireAt?: number;
  retireTimer?: NodeJS.Timeout;
}

function inferAlgorithm(jwk: JsonWebKey): SigningAlgorithm {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC' && jwk.crv === 'P-256') return 'ES256';
  if (jwk.kty === 'oct') return 'HS256';
  throw new KeyMaterialError(`Cannot infer an algorithm for a JWK with kty ${JSON.stringify(jwk.kty)}: pass options.alg.`);
}

function assertKid(kid: unknown): asserts kid is string {
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) {
    throw new KeyringError('A kid must be a non-empty string of at most 256 characters.');
  }
}

/** Builds the entry for one key: parses it once, checks it fits `alg`, computes the default kid. */
function buildEntry(key: NewKey): KeyEntry {
  assertSigningAlgorithm(key.alg);
  const { alg } = key;
  if (key.privateKey === undefined && key.publicKey === undefined) {
    throw new KeyringError('A key needs a privateKey, a publicKey, or both.');
  }
  if (alg === 'HS256' && key.privateKey === undefined) {
    throw new KeyringError('An HS256 key is a secret: pass it as privateKey.');
  }
  const privateKey = key.privateKey === undefined ? undefined : parseSigningKey(key.privateKey, alg);
  const publicKey = parseVerificationKey(privateKey ?? (key.publicKey as KeyInput), alg);
  if (privateKey && key.publicKey !== undefined && alg !== 'HS256') {
    const given = parseVerificationKey(key.publicKey, alg);
    if (!given.equals(publicKey)) throw new KeyringError('The publicKey does not belong to the privateKey.');
  }
  const kid = key.kid ?? keyThumbprint(publicKey);
  assertKid(kid);
  return {
    kid,
    alg,
    signingKey: privateKey ? { kid, alg, key: privateKey } : undefined,
    verificationKey: { kid, alg, key: publicKey },
  };
}

/** The public JWK of an asymmetric key: only the members RFC 7518 §6.2.1 / §6.3.1 name as public. */
function publicJwk(entry: KeyEntry): PublicJwk {
  const jwk = entry.verificationKey.key.export({ format: 'jwk' });
  const base = { kid: entry.kid, alg: entry.alg, use: 'sig' as const };
  if (jwk.kty === 'RSA') return { kty: 'RSA', ...base, n: jwk.n, e: jwk.e };
  return { kty: 'EC', ...base, crv: jwk.crv, x: jwk.x, y: jwk.y };
}

/**
 * One active signing key and any number of verification keys.
 *
 * @example
 * const keys = await Keyring.generate('RS256');
 * const token = signJwt(claims, keys.signingKey);
 * app.get('/.well-known/jwks.json', jwksHandler(keys));
 * // rotation, without a restart:
 * const next = keys.add({ alg: 'RS256', privateKey: pem }, { activate: true });
 * keys.retire(previousKid, { at: new Date(Date.now() + 3600_000) });
 */
export class Keyring implements VerificationKeySource {
  private readonly entries = new Map<string, KeyEntry>();
  private readonly listeners = new Set<(change: KeySourceChange) => void>();
  private readonly now: () => number;
  private activeKid: string;
  private jwksMemo: JsonWebKeySet | undefined;
  private algorithmsMemo: readonly SigningAlgorithm[] | undefined;
  /** How many keys have a retirement scheduled: with none, `purgeDue` has nothing to look at. */
  private scheduledRetirements = 0;

  private constructor(first: NewKey, clock: KeyringClockOption) {
    this.now = clock.now ?? Date.now;
    const entry = buildEntry(first);
    this.entries.set(entry.kid, entry);
    this.activeKid = entry.kid;
  }

  /**
   * A keyring with one freshly generated key.
   *
   * @example
   * const keys = await Keyring.generate('ES256');
   */
  static async generate(alg: SigningAlgorithm = 'RS256', options: GenerateKeyOptions = {}): Promise<Keyring> {
    assertSigningAlgorithm(alg);
    let privateKey: KeyObject;
    if (alg === 'HS256') {
      privateKey = createSecretKey(randomBytes(MIN_HMAC_SECRET_BYTES));
    } else if (alg === 'ES256') {
      privateKey = (await generateKeyPairAsync('ec', { namedCurve: 'P-256' })).privateKey;
    } else {
      const modulusLength = options.modulusLength ?? MIN_RSA_MODULUS_BITS;
      if (!Number.isInteger(modulusLength) || modulusLength < MIN_RSA_MODULUS_BITS) {
        throw new KeyMaterialError(`modulusLength must be an integer of at least ${MIN_RSA_MODULUS_BITS}.`);
      }
      privateKey = (await generateKeyPairAsync('rsa', { modulusLength })).privateKey;
    }
    return new Keyring({ alg, privateKey, kid: options.kid }, options);
  }

  /**
   * A keyring whose signing key is read from a PEM private key.
   *
   * @example
   * const keys = Keyring.fromPem({ privateKey: fs.readFileSync('key.pem', 'utf8'), alg: 'PS256' });
   */
  static fromPem(options: PemKeyringOptions): Keyring {
    if (typeof options.privateKey !== 'string') throw new KeyMaterialError('fromPem: privateKey must be a PEM string.');
    return new Keyring({ alg: options.alg, privateKey: options.privateKey, kid: options.kid }, options);
  }

  /**
   * A keyring whose signing key is a private JWK (`kty` RSA or EC with `d`, or `oct` for HS256).
   * The JWK's own `kid` is used when `options.kid` is not given.
   *
   * @example
   * const keys = Keyring.fromJwk(JSON.parse(fs.readFileSync('key.jwk.json', 'utf8')));
   */
  static fromJwk(jwk: object, options: JwkKeyringOptions = {}): Keyring {
    const key = jwk as JsonWebKey;
    if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) {
      throw new KeyMaterialError('fromJwk: the JWK must be an object.');
    }
    if (key.alg !== undefined && !isSigningAlgorithm(key.alg)) {
      throw new KeyMaterialError(`fromJwk: unsupported JWK alg ${JSON.stringify(key.alg)}.`);
    }
    if (options.alg !== undefined && key.alg !== undefined && options.alg !== key.alg) {
      throw new KeyMaterialError(`fromJwk: options.alg ${options.alg} does not match the JWK's alg ${String(key.alg)}.`);
    }
    const alg = options.alg ?? key.alg ?? inferAlgorithm(key);
    const kid = options.kid ?? (typeof key.kid === 'string' ? key.kid : undefined);
    return new Keyring({ alg, privateKey: key, kid }, options);
  }

  /**
   * An HS256 keyring from a shared secret (at least 32 bytes; a string is taken as UTF-8).
   * HS256 tokens can only be verified by holders of the secret; nothing is published in the JWKS.
   *
   * @example
   * const keys = Keyring.fromSecret(process.env.JWT_SECRET!);
   */
  static fromSecret(secret: string | Buffer, options: SecretKeyringOptions = {}): Keyring {
    if (typeof secret !== 'string' && !Buffer.isBuffer(secret)) {
      throw new KeyMaterialError('fromSecret: the secret must be a string or a Buffer.');
    }
    return new Keyring({ alg: 'HS256', privateKey: secret, kid: options.kid }, options);
  }

  /** The active signing key. */
  get signingKey(): SigningKey {
    const signingKey = this.entries.get(this.activeKid)?.signingKey;
    /* istanbul ignore next -- the active key always has a private key (constructor, activate) */
    if (!signingKey) throw new KeyringError('The keyring has no active signing key.');
    return signingKey;
  }

  /** The kid of the active signing key. */
  get activeKeyId(): string {
    return this.activeKid;
  }

  /**
   * Adds a key; returns its kid. With `{ activate: true }` it becomes the signer at once; otherwise
   * it verifies only until `activate(kid)` (publish first, sign later: remote verifiers see it in the
   * JWKS before the first token it signs).
   *
   * @example
   * const kid = keys.add({ alg: 'RS256', privateKey: pem });
   * keys.activate(kid);
   */
  add(key: NewKey, options: AddKeyOptions = {}): string {
    const entry = buildEntry(key);
    if (this.entries.has(entry.kid)) throw new KeyringError(`A key with kid ${JSON.stringify(entry.kid)} already exists.`);
    if (options.activate && !entry.signingKey) {
      throw new KeyringError('A verification-only key (no privateKey) cannot be activated.');
    }
    this.entries.set(entry.kid, entry);
    this.changed({ type: 'added', kid: entry.kid });
    if (options.activate) this.activate(entry.kid);
    return entry.kid;
  }

  /**
   * Makes a key that has a private key the active signer (and cancels its scheduled retirement).
   *
   * @example
   * keys.activate(newKid);
   */
  activate(kid: string): void {
    const entry = this.liveEntry(kid);
    if (!entry) throw new KeyringError(`No key with kid ${JSON.stringify(kid)}.`);
    if (!entry.signingKey) throw new KeyringError(`The key ${JSON.stringify(kid)} has no private key and cannot sign.`);
    this.cancelRetirement(entry);
    if (this.activeKid === kid) return;
    this.activeKid = kid;
    this.changed({ type: 'activated', kid });
  }

  /**
   * Removes a key from verification now, or at `options.at`. The active signer cannot be retired:
   * activate another key first.
   *
   * @example
   * keys.retire(oldKid, { at: new Date(Date.now() + 600_000) }); // after the longest token lifetime
   */
  retire(kid: string, options: RetireKeyOptions = {}): void {
    const entry = this.liveEntry(kid);
    if (!entry) throw new KeyringError(`No key with kid ${JSON.stringify(kid)}.`);
    if (kid === this.activeKid) {
      throw new KeyringError('The active signing key cannot be retired: activate another key first.');
    }
    const at = options.at?.getTime();
    if (at !== undefined && !Number.isFinite(at)) throw new KeyringError('retire: options.at is not a valid date.');
    this.cancelRetirement(entry);
    if (at === undefined || at <= this.now()) {
      this.remove(entry);
      return;
    }
    entry.retireAt = at;
    this.scheduledRetirements += 1;
    this.armRetirement(entry);
  }

  async getVerificationKey(kid: string | undefined, alg: string | undefined): Promise<VerificationKey | undefined> {
    return Promise.resolve(this.findVerificationKey(kid, alg));
  }

  /**
   * The synchronous form of `getVerificationKey`: with no kid, the key only when exactly one exists;
   * an `alg` that is not the key's own → `undefined`.
   */
  findVerificationKey(kid: string | undefined, alg: string | undefined): VerificationKey | undefined {
    this.purgeDue();
    let entry: KeyEntry | undefined;
    if (kid === undefined) {
      if (this.entries.size !== 1) return undefined;
      entry = this.entries.values().next().value;
    } else {
      entry = this.entries.get(kid);
    }
    if (!entry || (alg !== undefined && alg !== entry.alg)) return undefined;
    return entry.verificationKey;
  }

  /** The algorithms of the keys in the ring (the verifier's allow-list). */
  algorithms(): readonly SigningAlgorithm[] {
    this.purgeDue();
    this.algorithmsMemo ??= [...new Set([...this.entries.values()].map((entry) => entry.alg))];
    return this.algorithmsMemo;
  }

  /**
   * Every key that still verifies, the active one included, without key material.
   *
   * @example
   * keys.describe(); // [{ kid: 'k1', alg: 'RS256', active: true, canSign: true }, { kid: 'k0', …, retireAt: Date }]
   */
  describe(): KeyringEntryDescription[] {
    this.purgeDue();
    return [...this.entries.values()].map((entry) => {
      const description: KeyringEntryDescription = {
        kid: entry.kid,
        alg: entry.alg,
        active: entry.kid === this.activeKid,
        canSign: entry.signingKey !== undefined,
      };
      if (entry.retireAt !== undefined) description.retireAt = new Date(entry.retireAt);
      return description;
    });
  }

  /** The kids of every key that still verifies, the active one included. */
  kids(): string[] {
    this.purgeDue();
    return [...this.entries.keys()];
  }

  /**
   * The public keys as a JWK Set (RFC 7517 §5): `kty, kid, alg, use` and `n, e` or `crv, x, y` only.
   * HS256 secrets are never listed. Built once per change of the ring.
   *
   * @example
   * res.json(keys.jwks());
   */
  jwks(): JsonWebKeySet {
    this.purgeDue();
    this.jwksMemo ??= {
      keys: [...this.entries.values()].filter((entry) => entry.alg !== 'HS256').map(publicJwk),
    };
    return this.jwksMemo;
  }

  /**
   * Hears every change (added, activated, retired); returns the function that stops listening.
   *
   * @example
   * const stop = keys.onChange((change) => { if (change.type === 'retired') cache.evictKid(change.kid); });
   */
  onChange(listener: (change: KeySourceChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private liveEntry(kid: string): KeyEntry | undefined {
    this.purgeDue();
    return this.entries.get(kid);
  }

  private changed(change: KeySourceChange): void {
    this.jwksMemo = undefined;
    this.algorithmsMemo = undefined;
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A listener's failure is its own; the keyring's state is already consistent.
      }
    }
  }

  private remove(entry: KeyEntry): void {
    this.cancelRetirement(entry);
    if (this.entries.get(entry.kid) !== entry) return;
    this.entries.delete(entry.kid);
    this.changed({ type: 'retired', kid: entry.kid });
  }

  /** Removes the keys whose scheduled retirement is due (also done by a timer; this makes it exact). */
  private purgeDue(): void {
    if (this.scheduledRetirements === 0) return;
    const now = this.now();
    for (const entry of [...this.entries.values()]) {
      if (entry.retireAt !== undefined && entry.retireAt <= now) this.remove(entry);
    }
  }

  private armRetirement(entry: KeyEntry): void {
    if (entry.retireAt === undefined) return;
    const delay = Math.min(Math.max(entry.retireAt - this.now(), 0), MAX_TIMER_MS);
    entry.retireTimer = setTimeout(() => {
      entry.retireTimer = undefined;
      if (entry.retireAt !== undefined && entry.retireAt <= this.now()) this.remove(entry);
      else this.armRetirement(entry);
    }, delay);
    entry.retireTimer.unref();
  }

  private cancelRetirement(entry: KeyEntry): void {
    if (entry.retireTimer) clearTimeout(entry.retireTimer);
    entry.retireTimer = undefined;
    if (entry.retireAt !== undefined) this.scheduledRetirements -= 1;
    entry.retireAt = undefined;
  }
}
