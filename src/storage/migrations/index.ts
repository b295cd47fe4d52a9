import type { Migration } from "kysely";
import * as initial from "./20261204_0001_initial.js";

/** Every migration, by name; names sort in the order they run. Add new ones at the end. */
export const migrations: Record<string, Migration> = {
  "20261204_0001_initial": initial,
};
