'use strict';
/** The protected route's handler, the same behind every guard: a small JSON answer naming the client. */
const { RECORDS, hasScope } = require('../../lib/fixture');

function recordsHandler(clientIdOf) {
  return (req, res) => {
    res.json({ client_id: clientIdOf(req), records: RECORDS });
  };
}

/** The scope check for the peers that have none of their own (403 like RFC 6750 §3.1). */
function scopeGuard(claimsOf) {
  return (req, res, next) => {
    if (hasScope(claimsOf(req)?.scope)) next();
    else res.status(403).json({ error: 'insufficient_scope' });
  };
}

module.exports = { recordsHandler, scopeGuard };
