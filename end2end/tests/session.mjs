// What most specs start with: waiting for hydration, signing in as a demo person, and
// (for the office) adding a task to work with.
import { expect } from "@playwright/test";
import { execFileSync } from "node:child_process";

/** The demo accounts' password (server/src/seed.rs). */
export const DEMO_PASSWORD = "CareTrack-demo-2026";

/** Resolves once the page's WASM has hydrated (the layout marks the body). */
export async function hydrated(page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Seeded (server/src/seed.rs): Maple Court, where Sam is competent and Jo and Ali are not. */
export const MAPLE_COURT = "00000000-0000-4000-8000-000000000021";

/** The Monday `weeks` weeks after this week's, as YYYY-MM-DD. */
export function mondayAhead(weeks) {
  const now = new Date();
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  monday.setUTCDate(monday.getUTCDate() - ((monday.getUTCDay() + 6) % 7) + 7 * weeks);
  return monday.toISOString().slice(0, 10);
}

/** Signs in through the login page (without waiting for where it lands). */
export async function signIn(page, email, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Runs SQL against the e2e database (DATABASE_URL); its output, trimmed. */
export function sql(query) {
  return execFileSync("psql", [process.env.DATABASE_URL, "-tAc", query]).toString().trim();
}

/** On the phone layout, opens the folded navigation (if it is not open already). */
export async function openMenu(page, info) {
  if (info.project.name !== "phone") return;
  const toggle = page.getByRole("button", { name: "Menu" });
  if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
}

/** Adds a task on the Tasks page (signed in as a care manager) and waits for "Task added". */
export async function addTask(page, name, target, category = "") {
  await page.goto("/admin/tasks");
  await hydrated(page);
  await page.locator("[data-test=new-task]").click();
  const form = page.locator("[data-test=task-form]");
  await form.getByLabel("Task name").fill(name);
  if (category) await form.getByLabel("Category").fill(category);
  await form.getByLabel("Target (completions for 100 %)").fill(String(target));
  await form.getByRole("button", { name: "Add task" }).click();
  await expect(page.locator(".toast--success")).toContainText("Task added");
}

/** Adds tasks with `target` and places them at Ali's Riverside House (signed in as a care manager). */
export async function placeAtRiverside(page, names, target) {
  for (const name of names) await addTask(page, name, target);
  await page.goto("/admin/packages");
  await hydrated(page);
  await page.getByRole("link", { name: "Riverside House" }).click();
  const tasks = page.locator("[data-test=choose-tasks]");
  for (const name of names) await tasks.getByLabel(name).check();
  await tasks.locator("[data-test=save-tasks]").click();
  await expect(page.locator(".toast--success").last()).toBeVisible();
}

/**
 * Tasks at Riverside House and an assessment template covering them, titled after the
 * first: one item per section, model answers "<SECTION> model answer".
 */
export async function assessableTasks(page, names, target) {
  await placeAtRiverside(page, names, target);
  await page.goto("/admin/assessments/templates/new");
  await hydrated(page);
  const form = page.locator("[data-test=template-form]");
  await form.locator("[data-test=template-title]").fill(names[0]);
  for (const name of names) await form.locator(`[data-test=template-task][data-name="${name}"]`).check();
  for (const section of ["KNOWLEDGE", "PRACTICAL", "EMERGENCY"]) {
    const block = form.locator(`[data-test=section][data-section=${section}]`);
    await block.locator("[data-test=add-item]").click();
    await block.locator("[data-test=item-prompt]").fill(`${section} question`);
    if (section !== "PRACTICAL") await block.locator("[data-test=item-answer]").fill(`${section} model answer`);
  }
  await form.getByRole("button", { name: "Save template" }).click();
  await expect(page.locator(".toast--success").last()).toContainText("Saved as a new version");
}

// The first task card with room for `count` more (a task reaching its target leaves the
// list), with its progress before.
export async function taskWithRoom(page, count) {
  await expect(page.locator("[data-test=today-task]").first()).toBeVisible();
  for (const candidate of await page.locator("[data-test=today-task]").all()) {
    const text = await candidate.locator("[data-test=progress-text]").textContent();
    const [done, target] = text.match(/^(\d+) of (\d+)/).slice(1).map(Number);
    if (target - done > count) {
      const name = await candidate.getAttribute("data-task");
      const card = page.locator(`[data-test=today-task][data-task="${name}"]`);
      await expect(card.getByRole("heading")).toContainText(`Today, have you performed ${name}?`);
      return { card, done, target };
    }
  }
  throw new Error(`no task with room for ${count} more`);
}
