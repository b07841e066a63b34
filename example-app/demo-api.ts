/**
 * The demo downstream API: two routes behind `requireToken`, audience `$API_AUDIENCE`.
 * `GET /api/records` needs `records:read`; `POST /api/payments` needs `disburse`.
 */
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Router } from 'express';
import { requireToken } from '../lib/bearer';
import type { VerificationKeySource } from '../lib/keys/types';
import { OAuthError, renderOAuthError } from '../lib/errors';

export interface DemoApiOptions {
  keys: VerificationKeySource;
  issuer: string;
  audience: string;
  /** Extra `requireToken` options a profile needs (accepted `typ` values, revocation check). */
  bearer?: Omit<Parameters<typeof requireToken>[0], 'keys' | 'jwksUri' | 'issuer' | 'audience' | 'scope' | 'scopes'>;
}

const RECORDS = [
  { id: 'rec-0001', type: 'birth', registeredAt: '2026-01-12' },
  { id: 'rec-0002', type: 'death', registeredAt: '2026-02-03' },
];

export function demoApi(options: DemoApiOptions): Router {
  const router = express.Router();
  const base = { keys: options.keys, issuer: options.issuer, audience: options.audience, ...options.bearer };

  router.get('/records', requireToken({ ...base, scope: 'records:read' }), (req, res) => {
    res.json({ client_id: req.auth?.clientId, records: RECORDS });
  });

  router.post(
    '/payments',
    requireToken({ ...base, scope: 'disburse' }),
    express.json({ limit: '16kb' }),
    (req, res) => {
      const body: unknown = req.body;
      const amount = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).amount : undefined;
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0) {
        renderOAuthError(res, new OAuthError('invalid_request', 'amount must be a positive number.'));
        return;
      }
      res.status(201).json({ id: randomUUID(), amount, status: 'accepted', client_id: req.auth?.clientId });
    },
  );

  return router;
}
