import { test, expect } from "@playwright/test";
import { assessableTasks, hydrated, signIn } from "./session.mjs";

// One assessor, two devices on the same assessment: an edit on one appears on the
// other with a notice, and a save that replaces the other device's newer edit says so
// (last write wins, per item).
test("an assessment open on two devices keeps the last write per item and says so", async ({ browser }, info) => {
  test.setTimeout(120_000);
  const baseURL = info.project.use.baseURL;
  const office = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  const tablet = await browser.newContext({ baseURL, viewport: { width: 820, height: 1180 } });
  const laptop = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  const phone = await browser.newContext({ baseURL, viewport: { width: 360, height: 740 } });
  const manager = await office.newPage();
  const carer = await phone.newPage();
  const task = `Oral care ${info.project.name}-${Date.now()}`;

  await signIn(manager, "manager@example.com");
  await expect(manager).toHaveURL(/\/admin$/);
  await assessableTasks(manager, [task], 1);

  await signIn(carer, "ali@example.com");
  await expect(carer).toHaveURL(/\/carer$/);
  await hydrated(carer);
  const card = carer.locator(`[data-test=today-task][data-task="${task}"]`);
  await card.getByLabel("How many times?").fill("1");
  await card.getByRole("button", { name: "Log" }).click();
  await expect(carer.locator(".toast").last()).toContainText("assessment");

  // The assessor starts it on the tablet, and opens it on the laptop too.
  const a = await tablet.newPage();
  await signIn(a, "assessor@example.com");
  await expect(a).toHaveURL(/\/assessor$/);
  await a.goto("/admin/progress/assessments");
  await hydrated(a);
  const row = a.locator("[data-test=assessment]", { hasText: task });
  await row.locator("[data-test=start-assessment]").click();
  await expect(a).toHaveURL(/\/admin\/assessments\/[0-9a-f-]{36}$/);
  await hydrated(a);
  const b = await laptop.newPage();
  await signIn(b, "assessor@example.com");
  await expect(b).toHaveURL(/\/assessor$/);
  await b.goto(a.url());
  await hydrated(b);

  // The tablet scores 3; the laptop shows it (it polls) with a notice.
  await a.locator("[data-test=conduct-item] [data-test=score-3]").check();
  await expect(a.locator("[data-test=save-status]")).toContainText("All changes saved");
  await expect(b.locator("[data-test=conduct-item] [data-test=score-3]")).toBeChecked({ timeout: 15_000 });
  await expect(b.locator("[data-test=draft-notice]")).toContainText("Updated from another device: KNOWLEDGE question");

  // The laptop loses its connection and scores 4: kept on the device. Meanwhile the
  // tablet scores 1. Back online, the laptop's save lands last and says it replaced
  // the tablet's newer edit.
  await laptop.setOffline(true);
  await b.locator("[data-test=conduct-item] [data-test=score-4]").check();
  await expect(b.locator("[data-test=save-status]")).toContainText("Offline", { timeout: 10_000 });
  await a.locator("[data-test=conduct-item] [data-test=score-1]").check();
  await expect(a.locator("[data-test=save-status]")).toContainText("All changes saved");
  await laptop.setOffline(false);
  await expect(b.locator("[data-test=draft-notice]")).toContainText("replaced a newer edit made on another device: KNOWLEDGE question", { timeout: 15_000 });
  await expect(b.locator("[data-test=save-status]")).toContainText("All changes saved");
  // The tablet then takes the winning score.
  await expect(a.locator("[data-test=conduct-item] [data-test=score-4]")).toBeChecked({ timeout: 15_000 });

  for (const context of [office, tablet, laptop, phone]) await context.close();
});
