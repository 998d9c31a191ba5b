// What most specs start with: waiting for hydration, signing in as a demo person, and
// (for the office) adding a task to work with.
import { expect } from "@playwright/test";

/** The demo accounts' password (server/src/seed.rs). */
export const DEMO_PASSWORD = "CareTrack-demo-2026";

/** Resolves once the page's WASM has hydrated (the layout marks the body). */
export async function hydrated(page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

/** Signs in through the login page (without waiting for where it lands). */
export async function signIn(page, email, password = DEMO_PASSWORD) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
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
