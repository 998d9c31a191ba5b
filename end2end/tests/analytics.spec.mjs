import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { hydrated, signIn } from "./session.mjs";

test("the analytics charts arrive drawn in the server's HTML", async ({ page }) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);
  // The page as the server sends it, before any WASM runs: every chart is already SVG.
  const html = await (await page.request.get("/admin/analytics")).text();
  for (const heading of [
    "Progress per task",
    "Competency coverage per package",
    "Hours, nights and weekends per carer",
    "Assessments completed per month",
  ]) {
    expect(html).toContain(heading);
  }
  for (const chart of [
    "Carers per progress band, for each task",
    "Competent carers per task at Maple Court",
    "Rota hours per carer, split into weekday days, weekend days and nights",
    "Assessments completed in each of the last twelve months",
  ]) {
    expect(html).toMatch(new RegExp(`<svg [^>]*aria-label="${chart}"[^>]*class="chart"`));
  }
  expect(html).toContain("Medication administration");
  expect(html).toContain("Maple Court");
});

test("a manager reads the charts, changes the hours period and downloads the data as CSV", async ({ page }, info) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);
  await page.goto("/admin/analytics");
  await hydrated(page);

  // Progress: a bar per demo task, each part named for screen readers and tooltips.
  const progress = page.locator("[data-test=chart-progress]");
  await expect(progress.locator("svg.chart")).toHaveAttribute("role", "img");
  await expect(progress.locator("svg .chart-label").filter({ hasText: "Medication administration" })).toHaveCount(1);
  await expect(progress.locator("svg title").filter({ hasText: /^Medication administration: \d+ (not started|under half|half or more|complete)$/ }).first()).toBeAttached();

  // Coverage: one chart per package on the page.
  const coverage = page.locator("[data-test=chart-coverage]");
  await expect(coverage.locator("h3").filter({ hasText: "Maple Court" })).toHaveCount(1);
  await expect(coverage.locator("svg title").filter({ hasText: /^Medication administration: \d+ competent$/ }).first()).toBeAttached();

  // Hours: the form starts on the server's period; a backwards one is refused, kept.
  const hours = page.locator("[data-test=chart-hours]");
  await expect(hours.locator("[data-test=hours-from]")).not.toHaveValue("");
  await expect(hours.locator("[data-test=hours-summary]")).toContainText("carers");
  await hours.locator("[data-test=hours-from]").fill("2026-11-30");
  await hours.locator("[data-test=hours-to]").fill("2026-11-01");
  await hours.locator("[data-test=hours-show]").click();
  await expect(hours.locator("[data-test=hours-error]")).toContainText("The period ends before it starts.");
  await expect(hours.locator("[data-test=hours-from]")).toHaveValue("2026-11-30");
  await hours.locator("[data-test=hours-to]").fill("2026-12-27");
  await hours.locator("[data-test=hours-show]").click();
  await expect(hours.locator("[data-test=hours-summary]")).toContainText("30 Nov 2026 to 27 Dec 2026");

  await expect(page.locator("[data-test=chart-assessments] svg.chart")).toBeVisible();

  // The data behind the progress chart, as a spreadsheet would open it.
  const downloading = page.waitForEvent("download");
  await progress.locator("[data-test=progress-csv]").click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^caretrack-progress-\d{4}-\d{2}-\d{2}\.csv$/);
  const file = info.outputPath("progress.csv");
  await download.saveAs(file);
  const lines = readFileSync(file, "utf8").trim().split("\n");
  expect(lines[0]).toMatch(/^carer_id,carer,email,active,task,category,assigned,completed,target,percent,band/);
  expect(lines.some((line) => line.includes("Sam Okafor") && line.includes("Medication administration"))).toBe(true);
});

test("a carer has no analytics page and cannot export the people list", async ({ page }) => {
  await signIn(page, "sam@example.com");
  await expect(page).toHaveURL(/\/carer$/);
  await page.goto("/admin/analytics");
  await expect(page.locator("body")).toContainText("You do not have permission to do that.");
  const refused = await page.request.get("/api/v1/admin/users.csv");
  expect(refused.status()).toBe(403);
});
