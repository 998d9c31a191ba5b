import { test, expect } from "@playwright/test";
import { hydrated, openMenu, signIn } from "./session.mjs";
import { execFileSync } from "node:child_process";

// Back to the defaults, whatever the test left behind.
test.afterEach(() => {
  execFileSync("psql", [
    process.env.DATABASE_URL,
    "-qc",
    `update organisation_settings set require_admin_2fa = false, max_sessions_per_user = 3,
       admin_session_hours = 9, carer_session_hours = 12, lockout_threshold = 5, lockout_minutes = 30`,
  ]);
});

test("a manager changes the carers' session length from the Settings page", async ({ page }, info) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);

  await openMenu(page, info);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Settings" }).click();
  await expect(page).toHaveURL(/\/admin\/settings$/);
  await hydrated(page);

  const hours = page.getByLabel("Carers stay signed in for (hours)");
  await expect(hours).toHaveValue("12");
  // The browser holds to the same limits the server checks.
  await expect(hours).toHaveAttribute("max", "72");
  await hours.fill("10");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator(".toast--success")).toContainText("Settings saved");

  // Requiring two-step verification is refused while this manager has none.
  await page.locator("[data-test=require-admin-2fa]").check();
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator("#require_admin_2fa-error")).toContainText("Set up two-step verification for yourself first");

  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("Carers stay signed in for (hours)")).toHaveValue("10");
  await expect(page.locator("[data-test=require-admin-2fa]")).not.toBeChecked();

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
