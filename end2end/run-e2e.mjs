// Started by `cargo leptos end-to-end` right after it launches the server (it does not
// wait): poll /healthz until the server answers, then run Playwright.
import { spawn } from "node:child_process";

const addr = process.env.LEPTOS_SITE_ADDR ?? "127.0.0.1:3000";
const deadline = Date.now() + 180_000;

async function serverUp() {
  try {
    const res = await fetch(`http://${addr}/healthz`);
    return res.ok;
  } catch {
    return false;
  }
}

while (!(await serverUp())) {
  if (Date.now() > deadline) {
    console.error(`server at http://${addr} did not answer /healthz within 180 s`);
    process.exit(1);
  }
  await new Promise((resolve) => setTimeout(resolve, 250));
}

const playwright = spawn("npx", ["playwright", "test", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
});
playwright.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
