import { createServer } from 'node:net';

/**
 * The ports of `wanted` that something already listens on (what the services would bind: every
 * interface). Checked before anything starts, so a second `npm run dev` fails at once instead of
 * half starting and answering from the first one's services.
 */
export async function takenPorts(wanted: Array<{ port: number; what: string }>) {
  const taken: Array<{ port: number; what: string }> = [];
  for (const entry of wanted) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen({ port: entry.port, host: '0.0.0.0', exclusive: true }, () => server.close(() => resolve(true)));
    });
    if (!free) taken.push(entry);
  }
  return taken;
}
