import { test, expect } from "@playwright/test";
import { hydrated, openMenu, signIn } from "./session.mjs";

// Demo people from `server seed --demo` (run by run-e2e.mjs).

test("a wrong password is refused with a message that names neither part", async ({ page }) => {
  await signIn(page, "manager@example.com", "not the right password");
  await expect(page.locator("[data-test=login-error]")).toHaveText("The email or password is incorrect.");
  await expect(page).toHaveURL(/\/login$/);
});

test("the manager signs in, sees the dead job with its error, retries it, and signs out", async ({ page }, info) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);
  await expect(page.locator("[data-test=home-heading]")).toHaveText("Welcome, Alex Morgan");

  await openMenu(page, info);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Jobs" }).click();
  await expect(page).toHaveURL(/\/admin\/jobs$/);
  await expect(page.locator("[data-test=job-counts]")).toBeVisible();
  // One seeded dead job: the desktop run retries it (the phone run may find it gone).
  const dead = page.locator("[data-test=failure]").filter({ hasText: "mailbox unavailable" });
  if (info.project.name === "desktop") {
    await expect(dead.locator("[data-test=failure-error]")).toContainText("SMTP 550 5.1.1");
    await hydrated(page);
    await dead.locator("[data-test=retry]").click();
    await expect(page.locator(".toast--success")).toContainText("Job queued to run again");
  }

  await openMenu(page, info);
  await page.locator("[data-test=sign-out]").click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/admin/jobs");
  await expect(page.getByRole("alert")).toContainText("Please sign in");
});

test("a carer lands on the carer home and cannot open the Jobs page", async ({ page }, info) => {
  await signIn(page, "sam@example.com");
  await expect(page).toHaveURL(/\/carer$/);
  await expect(page.locator("[data-test=home-role]")).toHaveText("Care worker");
  await openMenu(page, info);
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Jobs" })).toHaveCount(0);
  await page.goto("/admin/jobs");
  await expect(page.getByRole("alert")).toContainText("You do not have permission");
});
