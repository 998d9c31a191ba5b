// Live updates: the care manager's dashboard counters, who is online and the audit log
// follow what happens elsewhere without a reload.
import { expect, test } from "@playwright/test";
import { hydrated, signIn, taskWithRoom } from "./session.mjs";

test("the dashboard's counters, who is online and the audit log are live", async ({ page, browser }, info) => {
  test.skip(info.project.name !== "desktop", "one office browser is enough");
  test.setTimeout(60_000);
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin/);
  await hydrated(page);
  await expect(page.locator("[data-test=live]")).toHaveAttribute("data-connected", "true");
  const figure = page.locator("[data-test=dash-progress] [data-test=figure]");
  const before = Number(await figure.textContent());
  await page.evaluate(() => (window.__notReloaded = true));

  // Ali logs two completions on his phone.
  const phone = await browser.newContext();
  const ali = await phone.newPage();
  await signIn(ali, "ali@example.com");
  await expect(ali).toHaveURL(/\/carer$/);
  await hydrated(ali);
  const { card } = await taskWithRoom(ali, 2);
  await card.getByLabel("How many times?").fill("2");
  await card.getByRole("button", { name: "Log" }).click();
  await expect(ali.locator(".toast--success")).toContainText("Logged.");
  await expect(figure).toHaveText(String(before + 2), { timeout: 5_000 });
  // Ali's phone is open, so the manager sees him online.
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
