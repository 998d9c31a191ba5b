import { test, expect } from "@playwright/test";
import { hydrated, openMenu, signIn } from "./session.mjs";

test("home page hydrates and the status check round-trips to PostgreSQL", async ({ page }, info) => {
  const errors = [];
  page.on("pageerror", (err) => errors.push(err.message));

  await page.goto("/");
  await expect(page).toHaveTitle("CareTrack Pro");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("competent");
  await hydrated(page);

  // Client-side navigation (the router is live after hydration).
  await openMenu(page, info);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  // Versions and figures are for signed-in people; a visitor sees up or down.
  await signIn(page, "sam@example.com");
  await expect(page).not.toHaveURL(/\/login/);
  await page.goto("/status");
  await hydrated(page);
  await expect(page).toHaveTitle("System status · CareTrack Pro");

  const report = page.locator("[data-test=status-report]");
  await expect(report.getByRole("row", { name: /PostgreSQL/ })).toContainText("Reachable");
  await expect(report.getByRole("row", { name: /Redis/ })).toContainText("Reachable");
  await expect(page.locator("[data-test=migrations]")).not.toHaveText("0");

  // The button calls the server function from the browser: the check number goes up
  // and the database clock (read by `select now()`) moves on.
  const firstClock = await page.locator("[data-test=database-time]").textContent();
  const checked = page.waitForResponse((res) => res.url().includes("/api/") && res.request().method() === "POST");
  await page.locator("[data-test=check-again]").click();
  expect((await checked).status()).toBe(200);
  await expect(page.locator("[data-test=check-number]")).toHaveText("2");
  await expect(page.locator("[data-test=database-time]")).not.toHaveText(firstClock ?? "");
  await expect(page.locator(".toast--success")).toContainText("All systems reachable");

  expect(errors).toEqual([]);
});

test("unknown pages answer 404 with a way home", async ({ page }) => {
  const response = await page.goto("/no-such-page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the home page" }).click();
  await expect(page).toHaveURL(/\/$/);
});

test("the layout fits the viewport without sideways scrolling", async ({ page }) => {
  for (const path of ["/", "/status"]) {
    await page.goto(path);
    await hydrated(page);
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(overflow, `horizontal overflow on ${path}`).toBeLessThanOrEqual(0);
  }
});

test("the probes answer", async ({ request }) => {
  const health = await request.get("/healthz");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok" });
  const ready = await request.get("/readyz");
  expect(ready.status()).toBe(200);
  const body = await ready.json();
  expect(body.status).toBe("ready");
  expect(body.postgres.reachable).toBe(true);
  expect(body.redis.reachable).toBe(true);
  expect(ready.headers()["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
});

test("a lost connection during a check is reported, and the next check recovers", async ({ page }) => {
  await page.goto("/status");
  await hydrated(page);
  await expect(page.locator("[data-test=check-number]")).toHaveText("1");

  // The network drops while the check is in flight.
  await page.route("**/api/system_status", (route) => route.abort("internetdisconnected"));
  await page.locator("[data-test=check-again]").click();
  await expect(page.getByRole("alert")).toContainText("Could not reach CareTrack");
  await expect(page.locator(".toast--error")).toContainText("Could not reach CareTrack");
  await expect(page.locator("[data-test=check-again]")).toBeEnabled();

  // Back online: the next check works and replaces the error.
  await page.unroute("**/api/system_status");
  await page.locator("[data-test=check-again]").click();
  await expect(page.locator("[data-test=check-number]")).toHaveText("3");
  await expect(page.locator(".toast--success")).toContainText("All systems reachable");
  await expect(page.getByRole("alert")).toHaveCount(0);
});
