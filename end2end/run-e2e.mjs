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

// The demo organisation (people to sign in as), and one dead job for the Jobs page: the
// server binary cargo-leptos just built does the seeding, psql the job.
const targetDir = process.env.CARGO_TARGET_DIR ?? new URL("../target", import.meta.url).pathname;
const run = (command, args) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: "inherit" });
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`))));
  });
await run(`${targetDir}/debug/server`, ["seed", "--demo"]);
await run("psql", [
  process.env.DATABASE_URL,
  "-qc",
  `insert into jobs (kind, status, attempts, max_attempts, last_error, finished_at)
   values ('email.send', 'DEAD', 8, 8, 'SMTP 550 5.1.1 <gone@example.com>: mailbox unavailable', now())`,
]);

const playwright = spawn("npx", ["playwright", "test", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" },
});
playwright.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
