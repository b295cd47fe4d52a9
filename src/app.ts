import { randomUUID } from "node:crypto";
import formbody from "@fastify/formbody";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import Fastify, { type FastifyBaseLogger } from "fastify";
import { installApiKeyAuth } from "./http/api-key-auth.js";
import { installBearerAuth } from "./http/bearer-auth.js";
import { installErrorHandling } from "./http/error-handler.js";
import { healthRoutes } from "./http/health.routes.js";
import { installIdempotency } from "./http/idempotency.js";
import { installMetrics } from "./http/metrics.js";
import { installOpenApi } from "./http/openapi.js";
import type { App } from "./http/types.js";
import { deviceRoutes } from "./modules/devices/devices.routes.js";
import { emailRoutes } from "./modules/email/email.routes.js";
import { verifyEmailRoutes } from "./modules/email/verify-email.routes.js";
import { faceAuthRoutes } from "./modules/face-auth/face-auth.routes.js";
import { organizationRoutes } from "./modules/organizations/organizations.routes.js";
import { otpRoutes } from "./modules/otp/otp.routes.js";
import { jwksRoutes, sessionRoutes } from "./modules/sessions/sessions.routes.js";
import { supportRoutes } from "./modules/support/support.routes.js";
import { registrationRoutes } from "./modules/users/registration.routes.js";
import { userRoutes } from "./modules/users/users.routes.js";
import { createServices, type Infrastructure, type Services } from "./services.js";

declare module "fastify" {
  interface FastifyInstance {
    services: Services;
  }
}

const ONE_MIB = 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the HTTP app on the given infrastructure. Listening and background work are the caller's. */
export async function buildApp(infra: Infrastructure): Promise<App> {
  const { config } = infra;
  const app = Fastify({
    loggerInstance: infra.logger as FastifyBaseLogger,
    trustProxy: toTrustProxy(config.trustProxy),
    bodyLimit: ONE_MIB,
    requestIdHeader: false,
    // Accept the caller's x-request-id when it is sane, so logs correlate across services.
    genReqId: (req) => {
      const incoming = req.headers["x-request-id"];
      return typeof incoming === "string" && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    ajv: {
      customOptions: {
        allErrors: true,
        // Form-encoded bodies arrive as strings: "4775" becomes 4775 where an integer is asked.
        coerceTypes: "array",
        removeAdditional: true,
        useDefaults: true,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const services = createServices(infra);
  // A server start, not every CLI command that creates services, warns about test numbers.
  services.otp.warnAboutTestNumbers();
  app.decorate("services", services);
  app.decorateRequest("apiKey", null);
  app.addHook("onSend", async (request, reply) => {
    void reply.header("x-request-id", request.id);
  });

  installErrorHandling(app);
  // Only JSON and forms: anything else (text/plain included) is 415.
  app.removeContentTypeParser("text/plain");
  await app.register(formbody, { bodyLimit: ONE_MIB });
  installMetrics(app);
  await installOpenApi(app, config);
  healthRoutes(app, { storage: infra.storage });
  jwksRoutes(app, { signingKeys: services.signingKeys });
  // "Generated on first start": the JWKS lists a key before the first token is signed.
  app.addHook("onReady", async () => {
    await services.signingKeys.ensureCurrent();
  });
  verifyEmailRoutes(app, { emailVerification: services.emailVerification });

  await app.register(
    (scope, _options, done) => {
      registerOperations(scope, services, infra);
      done();
    },
    { prefix: config.basePath },
  );

  return app;
}

/** Everything under BASE_PATH: guarded by the API key, documented with both body encodings. */
function registerOperations(scope: App, services: Services, infra: Infrastructure): void {
  scope.addHook("onRoute", (route) => {
    // Older app builds send forms: document both body encodings on every operation.
    if (route.schema?.body) route.schema.consumes = ["application/json", "application/x-www-form-urlencoded"];
  });
  installApiKeyAuth(scope, {
    apiKeys: services.apiKeys,
    rateLimiter: infra.rateLimiter,
    perMinute: infra.config.apiKeyRateLimitPerMinute,
  });
  installBearerAuth(scope, {
    sessions: services.sessions,
    users: services.users,
    requireUserToken: infra.config.requireUserToken,
  });
  // After the bearer check: a stored answer is only replayed to a caller who may see it.
  installIdempotency(scope, { idempotency: services.idempotency });
  userRoutes(scope, { users: services.users, profile: services.profile });
  registrationRoutes(scope, { registration: services.registration });
  otpRoutes(scope, { otp: services.otp });
  sessionRoutes(scope, { sessions: services.sessions });
  faceAuthRoutes(scope, { faceAuth: services.faceAuth });
  supportRoutes(scope, { support: services.support });
  deviceRoutes(scope, { devices: services.devices });
  organizationRoutes(scope, { memberships: services.memberships });
  emailRoutes(scope, { emailVerification: services.emailVerification });
}

/** A hop count trusts that many proxies nearest to us; Fastify takes it as a function. */
function toTrustProxy(setting: boolean | number | string[]) {
  if (typeof setting !== "number") return setting;
  return (_address: string, hop: number) => hop < setting;
}
