import express from 'express';
import request from 'supertest';
import { OAuthError, basicChallenge, bearerChallenge, renderOAuthError } from '../lib/errors';

function appThatFails(error: unknown) {
  const app = express();
  app.get('/', (_req, res) => renderOAuthError(res, error));
  return app;
}

describe('errors — one module renders every OAuth error', () => {
  it('maps each code to its RFC status', () => {
    expect(new OAuthError('invalid_request', 'x').status).toBe(400);
    expect(new OAuthError('invalid_client', 'x').status).toBe(401);
    expect(new OAuthError('invalid_token', 'x').status).toBe(401);
    expect(new OAuthError('insufficient_scope', 'x').status).toBe(403);
    expect(new OAuthError('method_not_allowed', 'x').status).toBe(405);
    expect(new OAuthError('too_many_requests', 'x').status).toBe(429);
    expect(new OAuthError('temporarily_unavailable', 'x').status).toBe(503);
    expect(new OAuthError('invalid_scope', 'x', { status: 403 }).status).toBe(403);
  });

  it('renders {error, error_description} with no-store and the error headers', async () => {
    const error = new OAuthError('invalid_client', 'Client authentication failed.').withHeaders({
      'WWW-Authenticate': basicChallenge('oauth2'),
    });
    const res = await request(appThatFails(error)).get('/');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'Client authentication failed.' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['pragma']).toBe('no-cache');
    expect(res.headers['www-authenticate']).toBe('Basic realm="oauth2"');
  });

  it('turns anything else into a bare server_error with no internal detail', async () => {
    const res = await request(appThatFails(new Error('connection string mongodb://user:pw@db'))).get('/');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error', error_description: 'The server could not complete the request.' });
    expect(JSON.stringify(res.body)).not.toContain('mongodb');
  });

  it('builds RFC 6750 challenges and strips characters a quoted-string cannot hold', () => {
    expect(bearerChallenge('api')).toBe('Bearer realm="api"');
    const error = new OAuthError('insufficient_scope', 'needs "disburse"\r\n');
    expect(bearerChallenge('api', error, 'disburse')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="needs disburse", scope="disburse"',
    );
  });
});
