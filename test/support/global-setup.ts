import pg from "pg";

/**
 * PostgreSQL suites give every test app a schema of its own. Dropping a schema while another
 * worker's migrator introspects the catalog makes that introspection fail, so schemas are kept
 * for the whole run and dropped here, before and after it.
 */
async function dropTestSchemas(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "select nspname as name from pg_namespace where nspname ~ '^t_[0-9a-f]{12}$'",
    );
    for (const { name } of rows) await client.query(`drop schema if exists ${name} cascade`);
  } finally {
    await client.end();
  }
}

export async function setup(): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return async () => {};
  await dropTestSchemas(url);
  return () => dropTestSchemas(url);
}
