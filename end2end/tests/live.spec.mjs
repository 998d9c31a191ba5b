// Live updates: who is online and the audit log follow what happens elsewhere without a
// reload (the dashboard's counters following a carer's log: care.spec.mjs).
import { expect, test } from "@playwright/test";
import { hydrated, signIn } from "./session.mjs";

test("who is online and the audit log are live", async ({ page, browser }, info) => {
  test.skip(info.project.name !== "desktop", "one office browser is enough");
  test.setTimeout(60_000);
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin/);
  await hydrated(page);
  await expect(page.locator("[data-test=live]")).toHaveAttribute("data-connected", "true");

  // Ali opens CareTrack on his phone, so the manager sees him online (the list is
  // refreshed every 30 s and with the dashboard's live updates: here, on opening it).
  const phone = await browser.newContext();
  const ali = await phone.newPage();
  await signIn(ali, "ali@example.com");
  await expect(ali).toHaveURL(/\/carer$/);
  await hydrated(ali);
  await expect(ali.locator("[data-test=live]")).toHaveAttribute("data-connected", "true");
  await page.reload();
  await hydrated(page);
  await expect(page.locator("[data-test=online-now] [data-test=online-person]", { hasText: "Ali" })).toBeVisible();

  // The audit log shows a change the moment it is made.
  await page.goto("/admin/audit");
  await hydrated(page);
  await page.evaluate(() => (window.__notReloaded = true));
  const rows = page.locator("[data-test=audit-row]", { hasText: "notifications.preferences" });
  const saved = await rows.count();
  await ali.goto("/notifications");
  await hydrated(ali);
  const choices = ali.locator("[data-test=notification-choices]");
  await choices.locator("[data-test=choice-rota_published-email]").uncheck();
  await choices.locator("[data-test=save-choices]").click();
  await expect(ali.locator(".toast--success").last()).toContainText("Your choices are saved.");
  await expect(rows).toHaveCount(saved + 1, { timeout: 5_000 });
  expect(await page.evaluate(() => window.__notReloaded)).toBe(true);

  // Put back for the next run.
  await choices.locator("[data-test=choice-rota_published-email]").check();
  await choices.locator("[data-test=save-choices]").click();
  await phone.close();
});
