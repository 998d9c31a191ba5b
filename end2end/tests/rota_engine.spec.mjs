// The rota rules engine runs twice: compiled to WASM in the browser (the editor checks
// every drop there) and natively on the server (authoritative, POST /api/v1/rota/check).
// This generates a corpus of random rotas, checks each in both, and compares the answers.
import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "./session.mjs";

/** mulberry32: a small seeded generator, so a failure can be replayed from its seed. */
function generator(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    below: (n) => Math.floor(next() * n),
    chance: (percent) => next() * 100 < percent,
    pick: (list) => list[Math.floor(next() * list.length)],
  };
}

const uuid = (kind, n) =>
  `00000000-0000-4000-${kind.toString(16).padStart(4, "0")}-${n.toString(16).padStart(12, "0")}`;

/**
 * A random rota: 3–12 carers (some under 18, some opted out, some with their own limits),
 * 1–3 packages, up to 60 shifts of 1–24 hours over six weeks that take in a clock change
 * (March or October), random breaks, kinds and settings.
 */
function randomRota(seed) {
  const r = generator(seed);
  const tasks = [1, 2, 3, 4].map((n) => uuid(1, n));
  const packages = Array.from({ length: 1 + r.below(3) }, (_, n) => ({
    id: uuid(2, n),
    task_ids: tasks.filter(() => r.chance(50)),
  }));
  const carers = Array.from({ length: 3 + r.below(10) }, (_, n) => {
    const carer = { id: uuid(3, n), competent_task_ids: tasks.filter(() => r.chance(60)) };
    if (r.chance(20)) carer.date_of_birth = "2009-02-27";
    else if (r.chance(80)) carer.date_of_birth = "1990-05-17";
    if (r.chance(30)) carer.weekly_hours_limit = 10 + r.below(40);
    if (r.chance(25)) carer.opt_out = r.chance(50) ? { from: "2026-01-01" } : { from: "2026-01-01", to: "2026-10-28" };
    if (r.chance(15)) carer.night_worker = r.chance(50);
    if (r.chance(10)) carer.employed_from = "2026-09-14";
    return carer;
  });
  const firstDay = r.pick([Date.UTC(2026, 9, 5), Date.UTC(2027, 2, 8)]);
  const shifts = Array.from({ length: 1 + r.below(60) }, (_, n) => {
    const start = firstDay + r.below(42) * 86_400_000 + r.below(48) * 1_800_000;
    const hours = 1 + r.below(24);
    const shift = {
      id: uuid(4, n),
      package_id: r.pick(packages).id,
      start: new Date(start).toISOString(),
      end: new Date(start + hours * 3_600_000).toISOString(),
      carer_ids: [...new Set(Array.from({ length: r.below(4) }, () => r.pick(carers).id))],
      break_minutes: r.pick([0, 0, 15, 20, 30, 45]),
    };
    if (r.chance(10)) shift.kind = r.pick(["DAY", "NIGHT"]);
    return shift;
  });
  const settings = {};
  if (r.chance(30)) settings.switches = { rotation_pattern: { enabled: true, severity: "WARNING", overridable: true } };
  if (r.chance(30)) settings.consecutive_nights = { allowed: r.chance(50), max_run: 1 + r.below(4) };
  if (r.chance(20)) settings.wtr_weekly_average = { max_hours: 48, reference_weeks: 26 };
  if (r.chance(20)) settings.max_contracted_hours = { default_weekly_hours: 20 + r.below(20) };
  const rota = { carers, packages, shifts, settings };
  if (r.chance(50)) rota.planning_from = r.pick(["2026-10-19", "2027-03-22"]);
  return rota;
}

test("the browser's engine and the server's /rota/check agree on 60 random rotas", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "one browser is enough: the engine is the same");
  test.setTimeout(90_000);
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin/);
  await hydrated(page);

  const corpus = Array.from({ length: 60 }, (_, i) => ({ seed: 1000 + i, rota: randomRota(1000 + i) }));
  const results = await page.evaluate(async (corpus) => {
    // The module the page started (its name carries a content hash).
    const engine = await import(
      performance.getEntriesByType("resource").find((entry) => /\/pkg\/caretrack[^/]*\.js$/.test(entry.name)).name
    );
    const csrf = document.cookie.match(/(?:^|; )ct_csrf=([^;]+)/)?.[1] ?? "";
    const out = [];
    for (const { seed, rota } of corpus) {
      const body = JSON.stringify(rota);
      const browser = JSON.parse(await engine.check_rota(body));
      const response = await fetch("/api/v1/rota/check", {
        method: "POST",
        headers: { "content-type": "application/json", "x-csrf-token": csrf },
        body,
      });
      out.push({ seed, status: response.status, server: await response.json(), browser });
    }
    return out;
  }, corpus);

  let violations = 0;
  for (const { seed, status, server, browser } of results) {
    expect(status, `seed ${seed}: ${JSON.stringify(server)}`).toBe(200);
    expect(browser, `seed ${seed}`).toEqual(server);
    violations += server.violations.length;
  }
  // The corpus is worth comparing only if it breaks rules, of many kinds.
  const rules = new Set(results.flatMap((r) => r.server.violations.map((v) => v.rule)));
  expect(violations).toBeGreaterThan(100);
  expect(rules.size).toBeGreaterThanOrEqual(10);
});

test("bad input gets the same refusal from both engines", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "one browser is enough");
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin/);
  await hydrated(page);
  const rota = randomRota(7);
  rota.shifts[0].end = rota.shifts[0].start;
  const { browser, server } = await page.evaluate(async (rota) => {
    // The module the page started (its name carries a content hash).
    const engine = await import(
      performance.getEntriesByType("resource").find((entry) => /\/pkg\/caretrack[^/]*\.js$/.test(entry.name)).name
    );
    const csrf = document.cookie.match(/(?:^|; )ct_csrf=([^;]+)/)?.[1] ?? "";
    const body = JSON.stringify(rota);
    const response = await fetch("/api/v1/rota/check", {
      method: "POST",
      headers: { "content-type": "application/json", "x-csrf-token": csrf },
      body,
    });
    return { browser: JSON.parse(await engine.check_rota(body)), server: await response.json() };
  }, rota);
  expect(browser.error).toContain("ends before it starts");
  expect(server.error.fields.shifts).toBe(browser.error);
});
