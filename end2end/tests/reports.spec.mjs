import { test, expect } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { hydrated, signIn } from "./session.mjs";

test("a manager makes a carer's evidence pack, follows it to ready and downloads a valid PDF", async ({ page }, info) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto("/admin/reports");
  await hydrated(page);

  const form = page.locator("[data-test=evidence-form]");
  await form.getByLabel("Carer").selectOption({ label: "Sam Okafor" });
  await form.getByRole("button", { name: "Make evidence pack" }).click();
  await expect(page.locator(".toast--success")).toContainText("Report queued");

  // The job's progress reaches the page live; no reload.
  const pack = page
    .locator("[data-test=report]")
    .filter({ hasText: "Competency evidence pack · Sam Okafor" })
    .first();
  await expect(pack).toHaveAttribute("data-status", "READY", { timeout: 30_000 });
  await expect(pack).toContainText(/\d+ pages?, \d+ KiB/);

  const downloading = page.waitForEvent("download");
  await pack.locator("[data-test=download-report]").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^Competency evidence pack - Sam Okafor\.pdf$/);
  const file = info.outputPath("evidence-pack.pdf");
  await download.saveAs(file);
  const bytes = readFileSync(file);
  expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
  // An independent reader (poppler) opens it and finds the carer's own data.
  const text = execFileSync("pdftotext", [file, "-"]).toString().replace(/\s+/g, " ");
  expect(text).toContain("Competency evidence pack");
  expect(text).toContain("Sam Okafor");
  expect(text).toContain("sam@example.com");
  expect(text).toContain("Confirmation history");
});

test("a report request with a backwards period is refused with a clear message and nothing queued", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto("/admin/reports");
  await hydrated(page);
  const form = page.locator("[data-test=compliance-form]");
  await form.getByLabel("From").fill("2026-11-30");
  await form.getByLabel("To").fill("2026-11-01");
  await form.getByRole("button", { name: "Make summary" }).click();
  await expect(page.locator("[data-test=report-error]")).toContainText("The period ends before it starts.");
  // What was typed stays.
  await expect(form.getByLabel("From")).toHaveValue("2026-11-30");
});
