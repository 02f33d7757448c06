// PostgreSQL for the benchmark: which server to use (BENCH_DATABASE_URL, else the local test server when it
// answers) and throw-away databases on it, so a run never touches real data.
import { randomBytes } from "node:crypto";
import pg from "pg";

export const LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test";

export type PostgresChoice = { url: string; why: string } | { url: undefined; why: string };

/** BENCH_DATABASE_URL must answer; the local default is used only when it does. */
export async function choosePostgres(env = process.env): Promise<PostgresChoice> {
  if (env.BENCH_DATABASE_URL) {
    const problem = await unreachable(env.BENCH_DATABASE_URL);
    if (problem) throw new Error(`BENCH_DATABASE_URL does not answer: ${problem}`);
    return { url: env.BENCH_DATABASE_URL, why: "BENCH_DATABASE_URL" };
  }
  const problem = await unreachable(LOCAL_POSTGRES);
  return problem
    ? { url: undefined, why: `PostgreSQL UNAVAILABLE: ${LOCAL_POSTGRES} did not answer (${problem}); set BENCH_DATABASE_URL to include it` }
    : { url: LOCAL_POSTGRES, why: "the local test server (BENCH_DATABASE_URL unset)" };
}

async function unreachable(url: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A throw-away database next to the given one. */
export async function scratchDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `warroom_bench_${randomBytes(5).toString("hex")}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}
