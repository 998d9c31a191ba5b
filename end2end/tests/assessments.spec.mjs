import { test, expect } from "@playwright/test";
import { addTask, hydrated, signIn } from "./session.mjs";

test("a manager writes an assessment template; the browser checks it first, and a save is a new version", async ({ page }, info) => {
  const title = `Catheter care ${info.project.name}-${Date.now()}`;
  // A task of its own: a task belongs to one template.
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);
  await addTask(page, title, 5);

  await page.goto("/admin/assessments/templates/new");
  await hydrated(page);
  const form = page.locator("[data-test=template-form]");
  await form.locator("[data-test=template-title]").fill(title);
  await form.locator(`[data-test=template-task][data-name="${title}"]`).check();
  for (const section of ["KNOWLEDGE", "PRACTICAL", "EMERGENCY"]) {
    const block = form.locator(`[data-test=section][data-section=${section}]`);
    await block.locator("[data-test=add-item]").click();
    await block.locator("[data-test=item-prompt]").fill(`${section} item`);
    if (section !== "PRACTICAL") await block.locator("[data-test=item-answer]").fill("A model answer");
  }
  // Weights that do not add up are caught in the browser (the server's own check,
  // compiled to WASM): nothing is sent, and nothing typed is lost.
  let saves = 0;
  page.on("request", (request) => {
    if (request.url().includes("/api/save_assessment_template")) saves += 1;
  });
  await form.locator("[data-test=weight-practical]").fill("60");
  await form.getByRole("button", { name: "Save template" }).click();
  await expect(form.locator("[data-test=template-error]")).toContainText("add up to 100 %");
  expect(saves).toBe(0);
  await expect(form.locator("[data-test=template-title]")).toHaveValue(title);
  await form.locator("[data-test=weight-practical]").fill("50");
  await form.getByRole("button", { name: "Save template" }).click();
  await expect(page.locator(".toast--success")).toContainText("Saved as a new version");
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`${title} (version 1)`);

  // Saving again makes version 2, with what was typed.
  await hydrated(page);
  await page.locator("[data-test=section][data-section=KNOWLEDGE] [data-test=item-prompt]").fill("Changed question");
  await page.getByRole("button", { name: "Save template" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`${title} (version 2)`);
  await expect(page.locator("[data-test=section][data-section=KNOWLEDGE] [data-test=item-prompt]")).toHaveValue("Changed question");

  await page.goto("/admin/assessments/templates");
  await hydrated(page);
  const row = page.locator(`[data-test=template][data-title="${title}"]`);
  await expect(row).toContainText(title);
  await expect(row.locator("td").last()).toHaveText("2");

  // Deleted after asking: it waits in the recycle bin.
  await row.getByRole("link", { name: title }).click();
  await hydrated(page);
  await page.locator("[data-test=delete-template]").click();
  await page.locator("[data-test=confirm-delete-template]").click();
  await expect(page).toHaveURL(/\/admin\/assessments\/templates$/);
  await expect(page.locator(`[data-test=template][data-title="${title}"]`)).toHaveCount(0);
  await page.goto("/admin/recycle-bin");
  await hydrated(page);
  await page.getByRole("tab", { name: /Assessment templates/ }).click();
  await expect(page.locator(`[data-test=bin-item][data-name="${title}"]`)).toContainText("Covers its 1 task again");
});
