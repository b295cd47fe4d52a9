// `npm start` builds only when dist/ is missing or older than a source file (a restart is instant).
import { execSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

function newest(dir) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }
  return latest;
}

const built = existsSync("dist/main.js") ? statSync("dist/main.js").mtimeMs : 0;
const sources = Math.max(newest("src"), statSync("package.json").mtimeMs, statSync("tsconfig.json").mtimeMs);
if (built < sources) execSync("npm run build", { stdio: "inherit" });
