import { startedResources } from './resources';

export default async function globalTeardown() {
  const { stoppers } = startedResources();
  await Promise.allSettled(
    stoppers
      .splice(0)
      .reverse()
      .map((stop) => stop()),
  );
}
