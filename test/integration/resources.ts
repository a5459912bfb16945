/** What globalSetup started and globalTeardown stops; Jest runs both in the same parent process. */
export interface StartedResources {
  stoppers: Array<() => Promise<void>>;
}

const key = Symbol.for('user-platform.integration.resources');

export function startedResources(): StartedResources {
  const holder = globalThis as unknown as Record<symbol, StartedResources | undefined>;
  return (holder[key] ??= { stoppers: [] });
}
