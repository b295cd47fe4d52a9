import type { Kysely, Transaction } from "kysely";
import type { Clock } from "../core/clock.js";
import { randomToken } from "../core/crypto.js";
import type { Database } from "./schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/** The stored value of secret `name`, or undefined when none was created yet. */
export async function readSecret(db: Db, name: string): Promise<string | undefined> {
  const row = await db
    .selectFrom("server_secrets")
    .select("value")
    .where("name", "=", name)
    .executeTakeFirst();
  return row?.value;
}

/**
 * The server secret `name` (e.g. the key that HMACs one-time codes), generated once (256 random
 * bits) and kept in the database so every instance and every restart uses the same one.
 * Several instances starting together race to create it: the insert does nothing when another
 * instance's row already exists, and everyone then reads the one row that won.
 */
export async function getOrCreateSecret(db: Db, name: string, clock: Clock): Promise<string> {
  const existing = await readSecret(db, name);
  if (existing !== undefined) return existing;
  await db
    .insertInto("server_secrets")
    .values({ name, value: randomToken(32), created_at: clock.now().toISOString() })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const stored = await readSecret(db, name);
  if (stored === undefined) throw new Error(`server secret ${name} could not be stored`);
  return stored;
}
