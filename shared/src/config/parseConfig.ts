import { type z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Defaults of one variable that differ by NODE_ENV (`.meta({ nodeEnvDefaults })`). */
export type NodeEnvDefaults = Partial<Record<'development' | 'test' | 'staging' | 'production', string>>;

/**
 * Parses environment variables with a zod object schema. Every problem names the variable,
 * what is wrong and the variable's description, so a bad deployment fails fast and legibly.
 * A variable whose default depends on NODE_ENV carries the exceptions as `.meta({ nodeEnvDefaults })`
 * (e.g. `{ development: '1000/1m' }`); its `.default()` is the one of every other NODE_ENV.
 * @example const config = parseConfig(z.object({ PORT: z.coerce.number().describe('HTTP port') }))
 */
export function parseConfig<S extends z.ZodObject>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  // An empty variable means "not set": `FOO=` in a .env file should fall back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const nodeEnv = present.NODE_ENV ?? 'development';
  for (const [name, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const defaults = field.meta()?.nodeEnvDefaults as NodeEnvDefaults | undefined;
    const byEnv = defaults?.[nodeEnv as keyof NodeEnvDefaults];
    if (present[name] === undefined && byEnv !== undefined) present[name] = byEnv;
  }
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(environment)';
    const field = schema.shape[String(issue.path[0])] as z.ZodType | undefined;
    const description = field?.description ? ` (${field.description})` : '';
    const received = issue.code === 'invalid_type' && env[name] === undefined ? 'is required' : issue.message;
    return `${name}: ${received}${description}`;
  });
  throw new ConfigError(problems);
}

/** parseConfig for process entry points: prints the problems and exits with status 1. */
export function loadConfigOrExit<S extends z.ZodObject>(schema: S, env = process.env): z.infer<S> {
  try {
    return parseConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
