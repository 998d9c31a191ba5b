// The WASM half of scripts/bench-rota.sh: times the rota engine in headless Chromium
// (Debian's), on the release bundle served at $SITE/pkg, and sets it beside criterion's
// native figures from $NATIVE.
import { readFileSync } from "node:fs";
import { chromium } from "@playwright/test";

const site = process.env.SITE;
const deadline = Date.now() + 120_000;
while (!(await fetch(`${site}/`).then((r) => r.ok, () => false))) {
  if (Date.now() > deadline) throw new Error(`${site} did not come up`);
  await new Promise((resolve) => setTimeout(resolve, 250));
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
const page = await browser.newPage();
await page.goto(`${site}/`);
const wasm = await page.evaluate(async () => {
  const engine = await import("/pkg/caretrack.js");
  await engine.default();
  const median = (times) => times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
  // The browser's clock is coarse (0.1 ms without cross-origin isolation): time
  // `batch` runs together and divide.
  const time = (run, samples, batch) => {
    for (let i = 0; i < 10; i++) run(); // warm up
    const times = [];
    for (let i = 0; i < samples; i++) {
      const start = performance.now();
      for (let j = 0; j < batch; j++) run();
      times.push((performance.now() - start) / batch);
    }
    return median(times);
  };
  const assignments = engine.bench_prepare();
  return {
    assignments,
    full: time(engine.bench_full_validation, 40, 1),
    move: time(engine.bench_single_move, 40, 200),
  };
});
await browser.close();

// criterion: `<name>  time:   [low mid high]`, the middle being the estimate.
const native = {};
const text = readFileSync(process.env.NATIVE, "utf8");
for (const match of text.matchAll(/^(.+?)\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]/gm)) {
  const scale = { ns: 1e-6, "µs": 1e-3, us: 1e-3, ms: 1, s: 1000 }[match[3]];
  native[match[1].trim()] = Number(match[2]) * scale;
}
const fullNative = native["full validation (indexed rota)"];
const moveNative = native["single move re-validation"];
const row = (what, ms, target, nativeMs) =>
  `${what.padEnd(34)} ${ms.toFixed(3).padStart(9)} ms  (target < ${target} ms)` +
  (nativeMs ? `   WASM / native = ${(ms / nativeMs).toFixed(2)}` : "");
console.log(`sample: ${wasm.assignments} shift assignments in all (4 weeks planned on top of 17 weeks of history)`);
console.log(row("native full validation", fullNative, 5));
console.log(row("native single move", moveNative, 2));
console.log(row("WASM full validation (Chromium)", wasm.full, 25, fullNative));
console.log(row("WASM single move (Chromium)", wasm.move, 2, moveNative));
