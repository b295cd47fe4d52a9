import { v7 } from "uuid";

/** Time-ordered UUIDv7: ids come from the app, never from the database (portable migrations). */
export function newId(): string {
  return v7();
}
