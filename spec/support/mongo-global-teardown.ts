/** Jest globalTeardown: stops the mongodb-memory-server that the globalSetup started, if any. */
import { mongoGlobalState } from './mongo-global-setup';

export default async function mongoGlobalTeardown(): Promise<void> {
  const state = mongoGlobalState();
  if (state.server) await state.server.stop({ doCleanup: true, force: true });
  state.server = undefined;
  // A start that outlived its bound: stop the server if it ever comes up.
  void state.pending?.then((late) => late.stop({ doCleanup: true, force: true })).catch(() => undefined);
  state.pending = undefined;
}
