import { test, expect } from "@playwright/test";
import { assessableTasks, hydrated, placeAtRiverside, signIn } from "./session.mjs";

// The whole competency journey in three browsers: a carer's practice reaches 100 %, the
// assessor sees the assessment become ready without reloading, conducts it over the
// four steps (reloading half-way: the draft is kept), submits with a level other than
// the suggestion and a reason, the carer confirms, and the rating counts.
test("practice to 100 % makes an assessment ready; it is conducted with evidence, submitted with a reason; one rating is confirmed, the other disputed, amended on page 4 and confirmed", async ({ browser }, info) => {
  test.setTimeout(120_000);
  const baseURL = info.project.use.baseURL;
  const office = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  const tablet = await browser.newContext({ baseURL, viewport: { width: 820, height: 1180 } });
  const phone = await browser.newContext({ baseURL, viewport: { width: 360, height: 740 } });
  const manager = await office.newPage();
  const assessor = await tablet.newPage();
  const carer = await phone.newPage();
  const run = `${info.project.name}-${Date.now()}`;
  const task = `Stoma care ${run}`;
  const second = `Bowel care ${run}`;

  // The care manager adds two tasks (target 2) at Ali's Riverside House, and a template
  // covering both.
  await signIn(manager, "manager@example.com");
  await expect(manager).toHaveURL(/\/admin$/);
  await assessableTasks(manager, [task, second], 2);

  // The assessor watches the workflow page.
  await signIn(assessor, "assessor@example.com");
  await expect(assessor).toHaveURL(/\/assessor$/);
  await assessor.goto("/admin/progress/assessments");
  await hydrated(assessor);
  const row = assessor.locator("[data-test=assessment]", { hasText: task });
  await expect(row).toHaveCount(0);

  // The carer's practice reaches 100 % on both tasks.
  await signIn(carer, "ali@example.com");
  await expect(carer).toHaveURL(/\/carer$/);
  await hydrated(carer);
  const first = carer.locator(`[data-test=today-task][data-task="${second}"]`);
  await first.getByLabel("How many times?").fill("2");
  await first.getByRole("button", { name: "Log" }).click();
  await expect(carer.locator(".toast--success").last()).toContainText("Logged.");
  // At its target the task leaves the list (wait for that redraw before typing again).
  await expect(first).toHaveCount(0);
  await expect(row).toHaveCount(0);
  const card = carer.locator(`[data-test=today-task][data-task="${task}"]`);
  await card.getByLabel("How many times?").fill("2");
  await card.getByRole("button", { name: "Log" }).click();
  await expect(carer.locator(".toast").last()).toContainText("assessment");

  // Ready, on the assessor's page, without a reload.
  await expect(row).toHaveAttribute("data-status", "READY", { timeout: 15_000 });
  await expect(row).toContainText("Ali Hassan");
  await row.locator("[data-test=start-assessment]").click();
  await expect(assessor).toHaveURL(/\/admin\/assessments\/[0-9a-f-]{36}$/);
  await hydrated(assessor);
  const saved = assessor.locator("[data-test=save-status]");

  // Knowledge: the model answer is there for the assessor.
  let item = assessor.locator("[data-test=conduct-item]");
  await expect(item.locator(".model-answer")).toContainText("KNOWLEDGE model answer");
  await item.locator("[data-test=answer]").fill("Check the bag, the skin, and record output");
  await item.locator("[data-test=score-3]").check();
  await expect(saved).toContainText("All changes saved");
  await assessor.locator("[data-test=step-next]").click();
  item = assessor.locator("[data-test=conduct-item]");
  await expect(item).toContainText("PRACTICAL question");
  await item.locator("[data-test=score-4]").check();
  await expect(saved).toContainText("All changes saved");

  // A reload half-way: the step and every answer are still there.
  await assessor.reload();
  await hydrated(assessor);
  await expect(assessor.locator("[data-test=conduct-section]")).toHaveAttribute("data-section", "PRACTICAL");
  await expect(assessor.locator("[data-test=conduct-item] [data-test=score-4]")).toBeChecked();
  await assessor.locator("[data-test=step-knowledge]").click();
  await expect(assessor.locator("[data-test=conduct-item] [data-test=answer]")).toHaveValue("Check the bag, the skin, and record output");
  await expect(assessor.locator("[data-test=conduct-item] [data-test=score-3]")).toBeChecked();

  await assessor.locator("[data-test=step-emergency]").click();
  item = assessor.locator("[data-test=conduct-item]");
  await expect(item.locator(".model-answer")).toContainText("EMERGENCY model answer");
  await item.locator("[data-test=score-2]").check();
  await expect(saved).toContainText("All changes saved");
  await assessor.locator("[data-test=step-next]").click();

  // Review: 30 % × 3/4 + 50 % × 4/4 + 20 % × 2/4 = 82.50 %, which suggests Proficient.
  const review = assessor.locator("[data-test=review-step]");
  await expect(review.locator("[data-test=score-preview]")).toContainText("82.50 %");
  await expect(review.locator("[data-test=score-preview]")).toContainText("Proficient");
  await review.locator("[data-test=final-level]").selectOption("COMPETENT");
  await review.locator("[data-test=assessor-comments]").fill("Careful and kind; keep practising the bag change.");
  await expect(saved).toContainText("All changes saved");
  // Evidence goes through the file service and is listed with its name.
  await assessor.locator("[data-test=evidence-upload]").setInputFiles({
    name: "skin-check.png",
    mimeType: "image/png",
    buffer: Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64"),
  });
  await expect(assessor.locator("[data-test=evidence-file]")).toContainText("skin-check.png");
  // Differing from the suggestion without a reason is caught before anything is sent.
  await review.locator("[data-test=submit-assessment]").click();
  await expect(review.locator(".field-error")).toContainText("professional judgement");
  await review.locator("[data-test=judgement-reason]").fill("Needed prompting on skin checks");
  await expect(saved).toContainText("All changes saved");
  await review.locator("[data-test=submit-assessment]").click();
  await review.locator("[data-test=confirm-submit]").click();
  await expect(assessor.locator("[data-test=outcome] [data-test=final-level]")).toHaveText("Competent");

  // The carer sees it waiting, looks at the answers, and confirms.
  await carer.goto("/carer/ratings");
  await hydrated(carer);
  const pending = carer.locator(`[data-test=pending-rating][data-task="${task}"]`);
  await expect(pending).toContainText("Competent");
  await expect(pending).toContainText("Careful and kind");
  await pending.locator("[data-test=show-answers]").click();
  await expect(pending.locator("[data-test=answers]")).toContainText("Check the bag");
  await expect(pending.locator("[data-test=answers]")).not.toContainText("model answer");
  await pending.locator("[data-test=confirm-rating]").click();
  await pending.locator("[data-test=confirm-yes]").click();
  await expect(pending).toHaveCount(0);
  // The other task's rating is disputed, with a reason.
  const other = carer.locator(`[data-test=pending-rating][data-task="${second}"]`);
  await other.locator("[data-test=dispute-rating]").click();
  await other.locator("[data-test=dispute-reason]").fill("I have done this for two years at my last job");
  await other.locator("[data-test=send-dispute]").click();
  await expect(other).toHaveCount(0);
  await expect(carer.locator(`[data-test=competency][data-task="${task}"] [data-test=effective]`)).toHaveText("Competent");
  await expect(carer.locator("[data-test=achievements]")).toContainText(`Competent in ${task}, confirmed`);
  await expect(carer.locator("[data-test=achievements]")).toContainText(`Reached the practice target for ${task}`);

  // The care manager amends the disputed rating on progress page 4; the carer confirms
  // the amended one.
  await manager.goto("/admin/progress/confirmations");
  await hydrated(manager);
  const dispute = manager.locator(`[data-test=queue-row][data-task="${second}"]`);
  await expect(dispute).toContainText("two years at my last job");
  await dispute.locator("[data-test=resolve-amend]").click();
  await dispute.locator("[data-test=amended-level]").selectOption("PROFICIENT");
  await dispute.locator("[data-test=resolution-note]").fill("Your previous employer's records back this up");
  await dispute.locator("[data-test=confirm-resolve]").click();
  await expect(manager.locator(".toast--success").last()).toContainText("Dispute resolved");
  await expect(dispute).toHaveCount(0);
  await carer.reload();
  await hydrated(carer);
  const amended = carer.locator(`[data-test=pending-rating][data-task="${second}"]`);
  await expect(amended).toContainText("Proficient");
  await expect(amended).toContainText("Your previous employer's records back this up");
  await amended.locator("[data-test=confirm-rating]").click();
  await amended.locator("[data-test=confirm-yes]").click();
  await expect(carer.locator(`[data-test=competency][data-task="${second}"] [data-test=effective]`)).toHaveText("Proficient");
  await expect(carer.locator(`[data-test=my-progress-row][data-task="${second}"] [data-test=rating]`)).toContainText("Proficient");

  // The audit log shows each step.
  await manager.goto("/admin/audit?action=assessments.");
  await hydrated(manager);
  const audit = manager.locator("[data-test=audit-rows]");
  for (const action of ["assessments.start", "assessments.submit", "assessments.complete"]) {
    await expect(audit).toContainText(action);
  }
  await manager.goto("/admin/audit?action=ratings.");
  await hydrated(manager);
  for (const action of ["ratings.confirm", "ratings.dispute", "ratings.amend"]) {
    await expect(manager.locator("[data-test=audit-rows]")).toContainText(action);
  }

  await office.close();
  await tablet.close();
  await phone.close();
});

test("a care manager sets a rating for a carer directly, with a reason, after a preview; it counts at once", async ({ browser }, info) => {
  // Two browsers, a new task placed at a package and two sign-ins (argon2): on a busy
  // two-core machine this has run past the default 30 s.
  test.setTimeout(60_000);
  const baseURL = info.project.use.baseURL;
  const office = await browser.newContext({ baseURL, viewport: { width: 1280, height: 800 } });
  const phone = await browser.newContext({ baseURL, viewport: { width: 360, height: 740 } });
  const manager = await office.newPage();
  const carer = await phone.newPage();
  const task = `Peg feeding ${info.project.name}-${Date.now()}`;

  await signIn(manager, "manager@example.com");
  await expect(manager).toHaveURL(/\/admin$/);
  await placeAtRiverside(manager, [task], 3);

  await manager.goto("/admin/progress/ratings");
  await hydrated(manager);
  await manager.locator("[data-test=rating-task]").selectOption({ label: task });
  const ali = manager.locator("[data-test=task-rating][data-carer='Ali Hassan']");
  await expect(ali).toContainText("Not assessed");
  await ali.getByRole("checkbox").check();
  const form = manager.locator("[data-test=set-rating]");
  await form.locator("[data-test=manual-level]").selectOption("COMPETENT");
  await form.locator("[data-test=manual-reason]").fill("Assessed by her previous employer last month");
  await expect(form.locator("[data-test=manual-preview]")).toContainText("Sets Competent for 1 carer(s)");
  await form.locator("[data-test=set-rating-button]").click();
  await form.locator("[data-test=confirm-set-rating]").click();
  await expect(manager.locator(".toast--success").last()).toContainText("Rating set for 1 carer(s)");
  await expect(ali).toContainText("Competent");

  await signIn(carer, "ali@example.com");
  await expect(carer).toHaveURL(/\/carer$/);
  await carer.goto("/carer/ratings");
  await hydrated(carer);
  await expect(carer.locator(`[data-test=competency][data-task="${task}"] [data-test=effective]`)).toHaveText("Competent");
  await expect(carer.locator("[data-test=rating-history]")).toContainText("Assessed by her previous employer");
  await office.close();
  await phone.close();
});
