import { startedResources } from './resources';

/**
 * Stops what globalSetup started, last started first and one at a time: the test databases are dropped
 * while their server still runs, and a Postgres container stops only after nobody talks to it (stopping
 * it under an open connection makes pg emit an unhandled 'error' that kills Jest). Every stopper runs
 * even if an earlier one fails; failures are printed, and do not fail the run (the tests have passed or not).
 */
export default async function globalTeardown() {
  const { stoppers } = startedResources();
  for (const stop of stoppers.splice(0).reverse()) {
    try {
      await stop();
    } catch (error) {
      console.warn('integration teardown: a resource did not stop cleanly:', error);
    }
  }
}
