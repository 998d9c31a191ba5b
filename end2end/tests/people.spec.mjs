import { test, expect } from "@playwright/test";
import { hydrated, signIn } from "./session.mjs";

test("a manager finds a carer, deactivates her after confirming, and reactivates her", async ({ page }, info) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);

  await page.goto("/admin/users");
  await hydrated(page);
  await page.locator("[data-test=user-search]").fill("megan");
  const megan = page.locator('[data-test=user][data-email="megan@example.com"]');
  await expect(megan).toHaveCount(1);
  await expect(page.locator("[data-test=user]")).toHaveCount(1);
  // One page of results: both pager buttons are there, named plainly, and disabled.
  const pager = page.getByRole("navigation", { name: "Pages of people" });
  await expect(pager.getByRole("button", { name: "Next", exact: true })).toBeDisabled();
  await expect(pager.getByRole("button", { name: "Previous", exact: true })).toBeDisabled();

  await megan.locator("[data-test=deactivate]").click();
  await expect(megan.getByRole("alert")).toContainText("Deactivate?");
  await megan.locator("[data-test=confirm-deactivate]").click();
  await expect(page.locator(".toast--success")).toContainText("Saved");
  await expect(megan).toContainText("Deactivated");

  await megan.locator("[data-test=reactivate]").click();
  await expect(megan).toContainText("Active");
  if (info.project.name === "phone") {
    // No sideways scrolling of the page itself: the table scrolls inside its box.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  }
});

test("a manager deletes a colleague after confirming and restores her from the recycle bin", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);

  await page.goto("/admin/users");
  await hydrated(page);
  await page.getByRole("tab", { name: "Office staff" }).click();
  const priya = page.locator('[data-test=user][data-email="assessor@example.com"]');
  await priya.locator("[data-test=delete]").click();
  const confirmation = page.locator("[data-test=delete-confirmation]");
  await expect(confirmation.getByRole("alert")).toContainText("Move Priya Shah to the recycle bin?");
  await confirmation.locator("[data-test=confirm-delete]").click();
  await expect(page.locator(".toast--success")).toContainText("Moved to the recycle bin");
  await expect(priya).toHaveCount(0);

  await page.goto("/admin/recycle-bin");
  await hydrated(page);
  await page.getByRole("tab", { name: /Office staff/ }).click();
  const item = page.locator('[data-test=bin-item][data-name="Priya Shah"]');
  await expect(item).toContainText("Comes back as assessor");
  await item.getByRole("checkbox").check();
  await page.locator("[data-test=restore]").click();
  await expect(page.locator("[data-test=confirm-restore]")).toContainText("Priya Shah: Comes back as assessor");
  await page.locator("[data-test=confirm-restore-button]").click();
  await expect(page.locator(".toast--success").last()).toContainText("1 restored");
  await expect(item).toHaveCount(0);

  await page.goto("/admin/users");
  await hydrated(page);
  await page.getByRole("tab", { name: "Office staff" }).click();
  await expect(page.locator('[data-test=user][data-email="assessor@example.com"]')).toHaveCount(1);
});
