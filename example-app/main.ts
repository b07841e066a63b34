/**
 * `npm start`: reads the environment, builds the example app and serves it until SIGINT/SIGTERM.
 */
import type { Server } from 'node:http';
import { createExampleApp } from './app';
import { ConfigError, readConfig } from './config';

function shutdownOnSignals(server: Server, close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: finishing requests in flight, then stopping`);
    // Stop accepting, let requests in flight finish, close idle keep-alive sockets.
    server.close(() => {
      close()
        .catch(() => undefined)
        .finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => {
      server.closeAllConnections();
    }, 10_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function main(): Promise<void> {
  const config = readConfig();
  const { app, bootstrap, close } = await createExampleApp(config);
  const server = app.listen(config.port, () => {
    console.log(`express-client-credentials example app listening on http://localhost:${config.port}`);
    console.log(`profile ${config.profile}, issuer ${config.issuer}, store ${config.mongodbUri ? 'MongoDB' : 'in-memory'}`);
    console.warn('warning: serve the token endpoint over HTTPS only (terminate TLS in front of this process)');
    if (bootstrap.generatedSecret !== undefined) {
      console.log('bootstrap admin client (shown once; set BOOTSTRAP_CLIENT_ID/BOOTSTRAP_CLIENT_SECRET to choose your own):');
      console.log(`  BOOTSTRAP_CLIENT_ID=${bootstrap.clientId}`);
      console.log(`  BOOTSTRAP_CLIENT_SECRET=${bootstrap.generatedSecret}`);
    } else {
      console.log(`bootstrap admin client: ${bootstrap.clientId}`);
    }
  });
  server.on('error', (error) => {
    console.error(`error: ${error.message}`);
    process.exit(1);
  });
  shutdownOnSignals(server, close);
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error);
  // A driver message may echo a connection string: never print its password.
  console.error(`error: ${message.replace(/\/\/([^:@/\s]+):([^@/\s]+)@/g, '//$1:****@')}`);
  process.exit(1);
});
