// The shift sender and the carer's own rota: a manager asks who can cover an empty
// slot and sends it out to competent carers; Sam (competent) confirms interest, Ali
// (not competent) never sees it; the manager selects Sam with his rule check in view;
// the shift appears in Sam's calendar, and in the calendar feed behind his secret link
// until he turns it off. Bulk actions: clearing a week is one undoable step. The draft
// saves itself a few seconds after the last change.
import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, MAPLE_COURT, hydrated, mondayAhead, signIn } from "./session.mjs";

test("a shift goes out, a competent carer confirms interest, is selected and finds it in his calendar and feed", async ({ page, browser }, info) => {
  test.skip(info.project.name !== "desktop", "one journey is enough; the pages are the same on phones");
  test.setTimeout(90_000);
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin/);

  // An empty day slot not yet sent out, in the next three weeks (a rerun on the same
  // database moves on), so it falls in the four weeks Sam's calendar shows.
  let slot;
  search: for (let ahead = 1; ahead <= 3; ahead++) {
    await page.goto(`/admin/rota?package=${MAPLE_COURT}&week=${mondayAhead(ahead)}`);
    await hydrated(page);
    for (let weekday = 0; weekday < 7; weekday++) {
      const candidate = page.locator(`[data-test=slot][data-kind=DAY][data-weekday="${weekday}"]`);
      if ((await candidate.locator("[data-test=send-out]").count()) > 0 && (await candidate.locator("[data-test=placed]").count()) === 0) {
        slot = candidate;
        break search;
      }
    }
  }
  expect(slot, "an empty slot to send out").toBeTruthy();
  const shiftId = await slot.getAttribute("data-shift");

  // Who can cover? Worked out in the browser, with the reasons: Sam is competent here.
  await slot.locator("[data-test=cover]").click();
  const samCandidate = slot.locator("[data-test=candidate]", { hasText: "Sam" });
  await expect(samCandidate).toContainText("Competent in this package's tasks");

  await slot.locator("[data-test=send-out]").click();
  const dialog = slot.locator("[data-test=send-out-dialog]");
  await expect(dialog.locator("[data-test=competent-only-shift]")).toBeChecked();
  await dialog.locator("[data-test=send-out-note]").fill("Cover for annual leave");
  await dialog.locator("[data-test=confirm-send-out]").click();
  await expect(slot.locator("[data-test=slot-open]")).toBeVisible();

  // Ali is not competent at Maple Court: the shift is not offered to him.
  const aliContext = await browser.newContext();
  const ali = await aliContext.newPage();
  await signIn(ali, "ali@example.com", DEMO_PASSWORD);
  await expect(ali).toHaveURL(/\/carer/);
  await ali.goto("/carer/shifts");
  await hydrated(ali);
  await expect(ali.locator("h2", { hasText: "Available to you" })).toBeVisible();
  await expect(ali.locator(`[data-test=available-shift][data-shift="${shiftId}"]`)).toHaveCount(0);
  await aliContext.close();

  // Sam confirms interest, after being told he cannot take it back.
  const samContext = await browser.newContext();
  const sam = await samContext.newPage();
  await signIn(sam, "sam@example.com", DEMO_PASSWORD);
  await expect(sam).toHaveURL(/\/carer/);
  await sam.goto("/carer/shifts");
  await hydrated(sam);
  const offer = sam.locator(`[data-test=available-shift][data-shift="${shiftId}"]`);
  await expect(offer).toContainText("Cover for annual leave");
  await offer.locator("[data-test=interest]").click();
  await expect(offer.locator(".confirm")).toContainText("cannot take it back");
  await offer.locator("[data-test=confirm-interest]").click();
  await expect(sam.locator(".toast--success").last()).toContainText("Interest confirmed");
  await expect(sam.locator(`[data-test=application][data-shift="${shiftId}"]`)).toContainText("Waiting for a decision");

  // The manager selects Sam, with the engine's check of him in view.
  await page.goto("/admin/shifts");
  await hydrated(page);
  const open = page.locator(`[data-test=open-shift][data-shift="${shiftId}"]`);
  await expect(open.locator("[data-test=waiting]")).toContainText("1 waiting");
  await open.locator("[data-test=show-applicants]").click();
  const applicant = open.locator("[data-test=applicant]", { hasText: "Sam" });
  await expect(applicant.locator("[data-test=rule-check]")).toContainText("Competent in this package's tasks");
  await applicant.locator("[data-test=select]").click();
  const reason = applicant.locator("[data-test=select-reason]");
  if ((await reason.count()) > 0) await reason.fill("Agreed with Sam; the on-call manager covers his break.");
  await applicant.locator("[data-test=confirm-decision]").click();
  await expect(page.locator(".toast--success").last()).toContainText("the carer has been told");

  // Sam's rota (it refreshes itself): the shift is in his calendar.
  await sam.goto("/carer/rota");
  await hydrated(sam);
  await expect(sam.locator(`[data-test=calendar-shift][data-shift="${shiftId}"]`)).toBeVisible({ timeout: 15_000 });
  await expect(sam.locator(`[data-test=my-shift][data-shift="${shiftId}"]`)).toContainText("Maple Court");

  // His calendar link: the feed has the shift until he turns the link off.
  const link = sam.locator("[data-test=calendar-link]");
  if ((await link.locator("[data-test=make-calendar-link]").count()) > 0) {
    await link.locator("[data-test=make-calendar-link]").click();
  } else {
    await link.locator("[data-test=new-calendar-link]").click();
    await link.locator("[data-test=confirm-calendar]").click();
  }
  const url = await link.locator("[data-test=calendar-url]").inputValue();
  const feed = new URL(url).pathname;
  expect(feed).toMatch(/^\/api\/v1\/calendar\/[A-Za-z0-9_-]+\.ics$/);
  const ics = await sam.request.get(feed);
  expect(ics.status()).toBe(200);
  expect(ics.headers()["content-type"]).toContain("text/calendar");
  const body = (await ics.text()).replace(/\r\n /g, "");
  expect(body).toContain(`UID:${shiftId}-`);
  expect(body).toContain("SUMMARY:Day shift at Maple Court");
  await link.locator("[data-test=turn-off-calendar-link]").click();
  await link.locator("[data-test=confirm-calendar]").click();
  await expect(sam.locator(".toast--success").last()).toContainText("turned off");
  expect((await sam.request.get(feed)).status()).toBe(404);
  await samContext.close();
});

test("clearing a week asks first and is one step to undo", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "the phone test places carers with buttons already");
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin/);
  await page.goto(`/admin/rota?package=${MAPLE_COURT}&week=${mondayAhead(7)}`);
  await hydrated(page);
  await page.locator("[data-test=autosave]").uncheck();
  const monday = page.locator('[data-test=slot][data-kind=DAY][data-weekday="0"]');
  const tuesday = page.locator('[data-test=slot][data-kind=DAY][data-weekday="1"]');
  const sam = page.locator("[data-test=panel-carer]", { hasText: "Sam" });
  for (const day of [monday, tuesday]) {
    if ((await day.locator("[data-test=placed]").count()) === 0) {
      await sam.locator("[data-test=choose]").click();
      await day.locator("[data-test=place-here]").click();
      await sam.locator("[data-test=choose]").click();
    }
  }
  await expect(page.locator("[data-test=rota-grid] [data-test=placed]")).not.toHaveCount(0);
  const placed = await page.locator("[data-test=rota-grid] [data-test=placed]").count();

  await page.locator("[data-test=clear-week]").click();
  await expect(page.locator("[data-test=clear-confirmation]")).toContainText("Take everyone off");
  await page.locator("[data-test=confirm-clear]").click();
  await expect(page.locator("[data-test=rota-grid] [data-test=placed]")).toHaveCount(0);
  await page.locator("[data-test=undo]").click();
  await expect(page.locator("[data-test=rota-grid] [data-test=placed]")).toHaveCount(placed);
});

test("the draft saves itself a few seconds after the last change", async ({ page }, info) => {
  test.skip(info.project.name !== "desktop", "the same editor on phones");
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin/);
  await page.goto(`/admin/rota?package=${MAPLE_COURT}&week=${mondayAhead(8)}`);
  await hydrated(page);
  await expect(page.locator("[data-test=autosave]")).toBeChecked();
  const sunday = page.locator('[data-test=slot][data-kind=DAY][data-weekday="6"]');
  const sam = page.locator("[data-test=panel-carer]", { hasText: "Sam" });
  await sam.locator("[data-test=choose]").click();
  if ((await sunday.locator("[data-test=placed]").count()) > 0) {
    await sunday.locator("[data-test=remove]").first().click();
  } else {
    await sunday.locator("[data-test=place-here]").click();
  }
  await expect(page.locator("[data-test=save-state]")).toHaveText("Unsaved changes");
  await expect(page.locator("[data-test=save-state]")).toHaveText("All changes saved", { timeout: 10_000 });
  // What was saved is there after a reload.
  const placed = await sunday.locator("[data-test=placed]").count();
  await page.reload();
  await hydrated(page);
  await expect(sunday.locator("[data-test=placed]")).toHaveCount(placed);
});
