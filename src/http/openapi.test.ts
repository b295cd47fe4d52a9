import { compileErrors, validate } from "@readme/openapi-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/support/app.js";

type Operation = {
  operationId?: string;
  tags?: string[];
  summary?: string;
  description?: string;
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<
    string,
    {
      content?: Record<
        string,
        { schema: Schema; example?: unknown; examples?: Record<string, { value: unknown }> }
      >;
    }
  >;
};
type Schema = {
  properties?: Record<string, Schema>;
  description?: string;
  examples?: unknown[];
  items?: Schema;
  anyOf?: Schema[];
};
type Document = {
  openapi: string;
  info: { title: string; version: string; license: { name: string } };
  servers: { url: string }[];
  components: { securitySchemes: Record<string, { type: string; in?: string; name?: string }> };
  paths: Record<string, Record<string, Operation>>;
};

describe("OpenAPI document", () => {
  let t: TestApp;
  let doc: Document;
  beforeAll(async () => {
    t = await createTestApp();
    doc = (await t.get("/openapi.json", { raw: true, noKey: true })).json();
  });
  afterAll(async () => {
    await t.close();
  });

  it("is a valid OpenAPI 3.1 document", async () => {
    const result = await validate(structuredClone(doc) as never);
    expect(result.valid, result.valid ? "" : compileErrors(result)).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("names the product, licence, servers and API key scheme", () => {
    expect(doc.info).toMatchObject({
      title: "Mobile APIs",
      version: "1.0.0",
      license: { name: "Apache 2.0" },
    });
    const urls = doc.servers.map((s) => s.url);
    expect(urls).toContain("https://dev.api.ivalt.com/admin/public/api");
    expect(urls).toContain("https://api.ivalt.com/admin/public/api");
    expect(urls).toContain("http://127.0.0.1:3000/admin/public/api");
    expect(doc.components.securitySchemes.ApiKeyAuth).toEqual(
      expect.objectContaining({ type: "apiKey", in: "header", name: "x-api-key" }),
    );
  });

  it("lists exactly the 16 operations of the contract under the base path", () => {
    const ids = Object.values(doc.paths)
      .flatMap((item) => Object.values(item))
      .map((op) => (op as Operation).operationId)
      .filter((id): id is string => typeof id === "string")
      .sort();
    expect(ids).toEqual(
      [
        "assignUserToOrganization",
        "checkEnrollment",
        "checkImei",
        "checkOrganizationAssignment",
        "confirmRegister",
        "contactSupport",
        "createAuthRequest",
        "enrollmentStatus",
        "getAuthResult",
        "getUser",
        "refreshMobileToken",
        "registerMobileUser",
        "resendEmailVerification",
        "saveFaceauthSuccess",
        "sendOtpSms",
        "updateProfile",
      ].sort(),
    );
    expect(doc.paths["/wp/send/sms"]).toBeDefined();
    expect(doc.paths["/save/faceauth/success/{auth_token}"]).toBeDefined();
  });

  it("documents every operation with a summary, a description, examples and every error status", () => {
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => ["get", "post"].includes(method))
        .map(([method, op]) => ({ path, method, op })),
    );
    const published = operations.filter(
      ({ op }) => op.tags?.includes("MobileApis") || op.tags?.includes("Authentication"),
    );
    expect(published.length).toBeGreaterThan(0);
    for (const { path, op } of published) {
      expect(op.operationId, path).toBeTruthy();
      expect(op.summary, path).toBeTruthy();
      expect(op.description, path).toBeTruthy();
      for (const status of ["200", "401", "429", "500", "503"]) {
        expect(op.responses[status], `${path} ${status}`).toBeDefined();
      }
      for (const [status, response] of Object.entries(op.responses)) {
        const media = response.content?.["application/json"];
        expect(media?.example ?? media?.examples, `${path} ${status} example`).toBeTruthy();
        if (Number(status) >= 400) {
          const examples = media?.examples
            ? Object.values(media.examples).map((e) => e.value)
            : [media?.example];
          for (const example of examples)
            expect(example, `${path} ${status}`).toMatchObject({ status: "error", code: expect.any(String) });
        }
      }
      const body = op.requestBody?.content["application/json"]?.schema;
      if (body) {
        expect(Object.keys(op.requestBody?.content ?? {})).toContain("application/x-www-form-urlencoded");
        for (const [name, field] of Object.entries(body.properties ?? {})) {
          expect(field.description, `${path} ${name} description`).toBeTruthy();
          expect(field.examples?.length, `${path} ${name} example`).toBeGreaterThan(0);
        }
      }
    }
  });
});
