'use strict';
/**
 * @node-oauth/oauth2-server 5 with a JWT-issuing model: `getClient` checks the secret
 * (SHA-256 + timingSafeEqual), `generateAccessToken` signs the same claims with the same key,
 * `saveToken` keeps nothing (a JWT needs no storage). Glued to Express the way its docs show
 * (`new Request(req)`, `new Response(res)`, `oauth.token`).
 */
const express = require('express');
const OAuth2Server = require('@node-oauth/oauth2-server');
const { accessTokenClaims, clientTable, TOKEN_TTL_SECONDS } = require('../../lib/fixture');
const { signingKeyFromPem, signAccessToken } = require('../../lib/jwt');

function createApp(options) {
  const signingKey = signingKeyFromPem(options.key);
  const clients = clientTable(options.secret);
  const model = {
    async getClient(clientId, clientSecret) {
      const client = clients.check(clientId, clientSecret);
      return client ? { id: client.clientId, grants: ['client_credentials'], scopes: client.scopes } : false;
    },
    async getUserFromClient(client) {
      return { id: client.id };
    },
    async validateScope(_user, client, scope) {
      const requested = scope && scope.length > 0 ? scope : client.scopes;
      return requested.every((s) => client.scopes.includes(s)) ? requested : false;
    },
    async generateAccessToken(client, _user, scope) {
      return signAccessToken(accessTokenClaims(client.id, scope.join(' ')), signingKey);
    },
    async saveToken(token, client, user) {
      return { ...token, client, user };
    },
  };
  const oauth = new OAuth2Server({ model, accessTokenLifetime: TOKEN_TTL_SECONDS });

  const app = express();
  app.post('/oauth2/token', express.urlencoded({ extended: false, limit: '16kb' }), async (req, res) => {
    const request = new OAuth2Server.Request(req);
    const response = new OAuth2Server.Response(res);
    try {
      await oauth.token(request, response);
      res.set(response.headers).status(response.status).json(response.body);
    } catch (error) {
      res.set(response.headers).status(error.code || 500).json({ error: error.name, error_description: error.message });
    }
  });
  return app;
}

module.exports = { createApp };
