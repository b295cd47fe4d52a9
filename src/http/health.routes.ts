import { Type } from "@sinclair/typebox";
import type { Storage } from "../storage/database.js";
import type { App } from "./types.js";

const Health = Type.Object({
  status: Type.Union([Type.Literal("ok"), Type.Literal("unavailable")], { examples: ["ok"] }),
  message: Type.String({ examples: ["Storage reachable."] }),
});

/** Liveness and readiness, outside the base path and without an API key (for load balancers). */
export function healthRoutes(app: App, deps: { storage: Storage }): void {
  app.get(
    "/healthz",
    {
      schema: {
        tags: ["Operations"],
        summary: "Liveness",
        description: "200 while the process is alive; checks nothing else.",
        security: [],
        response: { 200: Health },
      },
    },
    async () => ({ status: "ok" as const, message: "Alive." }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["Operations"],
        summary: "Readiness",
        description: "200 when storage answers; 503 otherwise (take the instance out of rotation).",
        security: [],
        response: { 200: Health, 503: Health },
      },
    },
    async (request, reply) => {
      try {
        await deps.storage.ping();
        return { status: "ok" as const, message: "Storage reachable." };
      } catch (error) {
        request.log.warn({ err: error }, "readiness check failed");
        return reply.code(503).send({ status: "unavailable" as const, message: "Storage unreachable." });
      }
    },
  );
}
