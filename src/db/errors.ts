// What PostgreSQL (or PGlite) refused, found under the wrapping: drizzle throws its own error with the driver's as
// its cause, so a caller that acts on a constraint looks down the chain for the SQLSTATE it expects.

export interface DatabaseRefusal {
  /** The SQLSTATE, e.g. 23505 (unique violation), 23502 (not-null violation). */
  code?: string;
  constraint?: string;
  column?: string;
  message?: string;
}

/** The first error in the chain with this SQLSTATE, if any. */
export function databaseRefusal(error: unknown, code: string): DatabaseRefusal | undefined {
  for (let e = error as (DatabaseRefusal & { cause?: unknown }) | undefined; e; e = e.cause as typeof e) {
    if (e.code === code) return e;
  }
  return undefined;
}
