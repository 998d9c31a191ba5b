import { test, expect } from "@playwright/test";
import { hydrated } from "./session.mjs";
import { linkInEmail, maildir } from "./mail.mjs";

test("a carer who forgot their password resets it from the emailed link and signs in", async ({ page }, info) => {
  test.skip(!maildir, "E2E_MAILDIR is set by scripts/test.sh");
  const since = Date.now();
  const newPassword = `blue kettle ${info.project.name} by the window`;

  await page.goto("/login");
  await hydrated(page);
  await page.locator("[data-test=forgot-password]").click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel("Email").fill("jo@example.com");
  await page.getByRole("button", { name: "Email me a link" }).click();
  await expect(page.locator("[data-test=reset-sent]")).toBeVisible();

  const link = await linkInEmail("jo@example.com", "/reset-password/", since);
  await page.goto(link);
  await hydrated(page);
  await page.getByLabel("New password").fill(newPassword);
  await page.getByLabel("Type it again").fill(newPassword);
  await page.getByRole("button", { name: "Save new password" }).click();
  await expect(page).toHaveURL(/\/login\?reset=done$/);
  await expect(page.locator("[data-test=reset-done]")).toBeVisible();

  await hydrated(page);
  await page.getByLabel("Email").fill("jo@example.com");
  await page.getByLabel("Password").fill(newPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/carer$/);

  // The account page lists this device.
  await page.goto("/account");
  await expect(page.locator("[data-test=account-email]")).toHaveText("jo@example.com");
  await expect(page.locator("[data-test=device]").filter({ hasText: "This device" })).toHaveCount(1);
});
