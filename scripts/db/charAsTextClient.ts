import pg from 'pg';

const CHAR_OID = 18; // PostgreSQL's internal one-byte "char" (pg_constraint.contype, pg_class.relkind...)
const TEXT_OID = 25;

type Field = { dataTypeID: number };
type ResultLike = { fields?: Field[] } | ResultLike[] | undefined;

function charAsText<T extends ResultLike>(result: T): T {
  if (Array.isArray(result))
    result.forEach(charAsText); // multi-statement queries
  else result?.fields?.forEach((f) => f.dataTypeID === CHAR_OID && (f.dataTypeID = TEXT_OID));
  return result;
}

/**
 * pg.Client that reports "char" columns as text. @prisma/adapter-pg 7.10 has no mapping for OID 18
 * and fails with "Column type 'char' could not be deserialized from the database" as soon as the
 * schema engine describes a database (its catalog queries select pg_constraint.contype). The values
 * are one-character strings either way, so relabelling the column type is lossless.
 */
export class CharAsTextClient extends pg.Client {
  // Covers both call styles adapter-pg reaches: pg.Pool#query passes a callback, a checked-out
  // PoolClient (transactions) uses the promise form. Submittables (cursors) are left untouched.
  override query(...args: unknown[]): never {
    const query = pg.Client.prototype.query as (...a: unknown[]) => unknown;
    const last = args.at(-1);
    if (typeof last === 'function') {
      args[args.length - 1] = (err: unknown, res: ResultLike) => last(err, err ? res : charAsText(res));
      return query.apply(this, args) as never;
    }
    const out = query.apply(this, args);
    return (out instanceof Promise ? out.then((res: ResultLike) => charAsText(res)) : out) as never;
  }
}

/** A pool whose connections are CharAsTextClients; pass it to `new PrismaPg(pool)`. */
export function createPool(connectionString: string): pg.Pool {
  return new pg.Pool({ connectionString, Client: CharAsTextClient });
}
