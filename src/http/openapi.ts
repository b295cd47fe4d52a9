import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { Config } from "../config/config.js";
import type { App } from "./types.js";

type OpenApiDocument = { paths?: Record<string, Record<string, unknown>> } & Record<string, unknown>;

/**
 * The OpenAPI 3.1 document, generated from the route schemas. Operations under BASE_PATH are
 * listed relative to the servers (which end in the base path, like the published ones); the few
 * routes outside it carry their own server entry.
 */
export async function installOpenApi(app: App, config: Config): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Mobile APIs",
        version: "1.0.0",
        description:
          'Mobile APIs for user registration, authentication, profile management, and support operations. Every operation under the base path requires the `x-api-key` header. Errors use `{status:"error", message, code, errors?}`.',
        license: { name: "Apache 2.0", url: "https://www.apache.org/licenses/LICENSE-2.0.html" },
      },
      servers: [
        { url: `${config.publicUrl}${config.basePath}`, description: "This server." },
        { url: "https://dev.api.ivalt.com/admin/public/api", description: "Development server." },
        { url: "https://api.ivalt.com/admin/public/api", description: "Production server." },
      ],
      tags: [
        {
          name: "MobileApis",
          description:
            "Operations related to mobile user registration, authentication, profile management, and support services.",
        },
        {
          name: "Authentication",
          description: "The relying-party half of face authentication: open a session, read its result.",
        },
        { name: "Operations", description: "Health, keys and pages outside the base path; no API key." },
      ],
      components: {
        securitySchemes: {
          ApiKeyAuth: {
            type: "apiKey",
            in: "header",
            name: "x-api-key",
            description: "API key required for authorization.",
          },
          BearerAuth: {
            type: "http",
            scheme: "bearer",
            bearerFormat: "JWT",
            description: "Optional user access token (see README).",
          },
        },
      },
      security: [{ ApiKeyAuth: [] }],
    },
    transformObject: (documentObject) => {
      const document = (
        "openapiObject" in documentObject ? documentObject.openapiObject : documentObject.swaggerObject
      ) as OpenApiDocument;
      const paths: Record<string, Record<string, unknown>> = {};
      for (const [path, item] of Object.entries(document.paths ?? {})) {
        if (path.startsWith(`${config.basePath}/`)) {
          paths[path.slice(config.basePath.length)] = item;
        } else {
          paths[path] = {
            ...item,
            servers: [{ url: config.publicUrl, description: "This server, outside the base path." }],
          };
        }
      }
      return { ...document, paths } as typeof documentObject extends { openapiObject: infer O } ? O : never;
    },
  });
  await app.register(swaggerUi, { routePrefix: "/docs", uiConfig: { deepLinking: true } });

  let cached: string | undefined;
  app.get("/openapi.json", { schema: { hide: true } }, async (_request, reply) => {
    cached ??= JSON.stringify(app.swagger());
    return reply.type("application/json").send(cached);
  });
}
