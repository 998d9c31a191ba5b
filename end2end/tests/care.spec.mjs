import { test, expect } from "@playwright/test";
import { addTask, hydrated, signIn, taskWithRoom } from "./session.mjs";

test("a carer logs three completions and the bar moves", async ({ page }) => {
  // Ali: no other test changes his account.
  await signIn(page, "ali@example.com");
  await expect(page).toHaveURL(/\/carer$/);
  await hydrated(page);
  const { card, done, target } = await taskWithRoom(page, 3);
  await card.getByLabel("How many times?").fill("3");
  await card.getByRole("button", { name: "Log" }).click();
  await expect(page.locator(".toast--success")).toContainText("Logged.");
  await expect(card.locator("[data-test=progress-text]")).toContainText(`${done + 3} of ${target}`);
  const name = await card.getAttribute("data-task");
  await expect(page.locator("[data-test=recent-log]").first()).toContainText(`${name} × 3`);
  await expect(page.locator("[data-test=pending-confirmations]")).toHaveText("No ratings waiting for you to confirm");

  // More than is left today is refused beside the field, keeping what was typed.
  const again = card;
  await again.getByLabel("How many times?").fill("100");
  await again.getByLabel("How many times?").evaluate((input) => input.removeAttribute("max"));
  await again.getByRole("button", { name: "Log" }).click();
  await expect(again.getByRole("alert").first()).toContainText("more for this task today");
  await expect(again.getByLabel("How many times?")).toHaveValue("100");

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("a manager adds a task and a care package, and a mistake keeps what was typed", async ({ page }, info) => {
  const suffix = `${info.project.name}-${Date.now()}`;
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);

  await page.goto("/admin/tasks");
  await hydrated(page);
  await page.locator("[data-test=new-task]").click();
  const taskForm = page.locator("[data-test=task-form]");
  await taskForm.getByLabel("Task name").fill(`Stoma care ${suffix}`);
  await taskForm.getByLabel("Category").fill("Clinical");
  await taskForm.getByLabel("Target (completions for 100 %)").fill("15");
  await taskForm.getByRole("button", { name: "Add task" }).click();
  await expect(page.locator(".toast--success")).toContainText("Task added");
  await page.locator("[data-test=task-search]").fill(suffix);
  await expect(page.locator(`[data-test=task][data-name="Stoma care ${suffix}"]`)).toContainText("15");

  await page.goto("/admin/packages");
  await hydrated(page);
  await page.locator("[data-test=new-package]").click();
  const form = page.locator("[data-test=package-form]");
  await form.getByLabel("Package name").fill(`Larch View ${suffix}`);
  await form.getByLabel("Postcode district").fill("M14 5AB");
  await form.getByLabel("Client's name").fill("Iris Penhaligon");
  await form.getByLabel("Address").fill("5 Larch View\nDidsbury");
  await form.getByRole("button", { name: "Add care package" }).click();
  await expect(form.locator("#package-postcode_district-error")).toContainText("first part of the postcode");
  await expect(form.getByLabel("Client's name")).toHaveValue("Iris Penhaligon");
  await form.getByLabel("Postcode district").fill("M20");
  await form.getByRole("button", { name: "Add care package" }).click();
  await expect(page.locator(".toast--success")).toContainText("Care package added");
  await page.locator("[data-test=package-search]").fill(suffix);
  await expect(page.locator(`[data-test=package][data-name="Larch View ${suffix}"]`)).toContainText("M20");
});

test("a manager sees what a new carer gains before assigning, and resets progress with a reason", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto("/admin/packages");
  await hydrated(page);
  await page.getByRole("link", { name: "Elm Cottage" }).click();
  await expect(page.locator("[data-test=package-name]")).toHaveText("Elm Cottage");
  await expect(page.locator("[data-test=client-details]")).toContainText("Mrs Margaret Reid");

  // Sam works at Maple Court and Riverside House; Elm Cottage adds Meals and Dementia
  // care (new to him) and Personal care (which he already has).
  const carers = page.locator("[data-test=choose-carers]");
  const sam = carers.getByLabel("Sam Okafor");
  const wasChecked = await sam.isChecked();
  if (wasChecked) {
    await sam.uncheck();
    await carers.locator("[data-test=save-carers]").click();
    await expect(page.locator(".toast--success").last()).toContainText("removed");
  }
  await carers.getByLabel("Sam Okafor").check();
  await expect(carers.locator("[data-test=carer-preview]")).toContainText("Sam Okafor gets");
  await carers.locator("[data-test=save-carers]").click();
  await expect(page.locator(".toast--success").last()).toContainText("1 carer(s) added");

  await page.goto("/admin/progress");
  await hydrated(page);
  await page.locator("[data-test=progress-carer]").selectOption({ label: "Ali Hassan" });
  // Any task Ali has practised (the other tests log some every run).
  const task = await page
    .locator("[data-test=progress-row]")
    .filter({ has: page.locator("[data-test=reset]") })
    .first()
    .getAttribute("data-task");
  const row = page.locator(`[data-test=progress-row][data-task="${task}"]`);
  await row.locator("[data-test=reset]").click();
  await row.getByLabel("Why reset to 0?").fill("Logged against the wrong carer");
  await row.getByRole("button", { name: "Reset progress" }).click();
  await expect(page.locator(".toast--success").last()).toContainText("Progress reset");
  await expect(row.locator("[data-test=progress-text]")).toContainText(/^0 of /);
});

test("a manager's dashboard shows a carer's log without a reload", async ({ browser }, info) => {
  const baseURL = info.project.use.baseURL;
  const office = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  const phone = await browser.newContext({ baseURL, viewport: { width: 360, height: 740 } });
  const manager = await office.newPage();
  const carer = await phone.newPage();

  await signIn(manager, "manager@example.com");
  await expect(manager).toHaveURL(/\/admin$/);
  await hydrated(manager);
  const today = manager.locator("[data-test=dash-progress] [data-test=figure]");
  await expect(today).toHaveText(/^\d+$/);
  const before = Number(await today.textContent());

  await signIn(carer, "ali@example.com");
  await expect(carer).toHaveURL(/\/carer$/);
  await hydrated(carer);
  const { card } = await taskWithRoom(carer, 2);
  await card.getByLabel("How many times?").fill("2");
  await card.getByRole("button", { name: "Log" }).click();
  await expect(carer.locator(".toast--success")).toContainText("Logged.");

  await expect(today).toHaveText(String(before + 2), { timeout: 15_000 });
  await expect(manager.locator("[data-test=activity]")).toBeVisible();
  await office.close();
  await phone.close();
});

test("a deleted task waits in the recycle bin and comes back after confirming", async ({ page }, info) => {
  const name = `Oral hygiene ${info.project.name}-${Date.now()}`;
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);
  await addTask(page, name, 5);
  await page.locator("[data-test=task-search]").fill(name);
  const row = page.locator(`[data-test=task][data-name="${name}"]`);
  await row.locator("[data-test=delete-task]").click();
  await expect(row.getByRole("alert")).toContainText("Delete this task?");
  await row.locator("[data-test=confirm-delete-task]").click();
  await expect(page.locator(".toast--success").last()).toContainText("recycle bin");
  await expect(row).toHaveCount(0);

  await page.goto("/admin/recycle-bin");
  await hydrated(page);
  await page.getByRole("tab", { name: /Tasks/ }).click();
  const item = page.locator(`[data-test=bin-item][data-name="${name}"]`);
  await item.getByRole("checkbox").check();
  await page.locator("[data-test=restore]").click();
  await expect(page.locator("[data-test=confirm-restore]")).toContainText(`${name}: Returns to 0 packages`);
  await page.locator("[data-test=confirm-restore-button]").click();
  await expect(page.locator(".toast--success").last()).toContainText("1 restored");
  await expect(item).toHaveCount(0);

  await page.goto("/admin/tasks");
  await hydrated(page);
  await page.locator("[data-test=task-search]").fill(name);
  await expect(page.locator(`[data-test=task][data-name="${name}"]`)).toHaveCount(1);
});
