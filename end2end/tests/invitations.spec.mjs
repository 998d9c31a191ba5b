import { test, expect } from "@playwright/test";
import { hydrated, signIn } from "./session.mjs";
import { linkInEmail, maildir } from "./mail.mjs";

test("a manager invites a carer, who joins from the emailed link and lands on the carer home", async ({ browser, page }, info) => {
  test.skip(!maildir, "E2E_MAILDIR is set by scripts/test.sh");
  const email = `new-carer-${info.project.name}-${Date.now()}@example.com`;

  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);

  await page.goto("/admin/invitations");
  await hydrated(page);
  const form = page.locator("[data-test=invite-form]");
  await form.getByLabel("First name").fill("Nia");
  await form.getByLabel("Last name").fill("Adeyemi");
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption("CARER");
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.locator(".toast--success")).toContainText(`Invitation sent to ${email}`);
  const row = page.locator(`[data-test=invitation][data-email="${email}"]`);
  await expect(row.locator("[data-test=invitation-status]")).toHaveText("Pending");

  const link = await linkInEmail(email, "/invite/");

  // The invitee, on their own phone: a browser with no session.
  const invitee = await browser.newContext();
  const phone = await invitee.newPage();
  await phone.goto(link);
  await hydrated(phone);
  await expect(phone.locator("[data-test=invited-as]")).toContainText(email);
  await phone.getByLabel("Choose a password").fill("short");
  await phone.getByLabel("Type it again").fill("short");
  await phone.getByRole("button", { name: "Create my account" }).click();
  await expect(phone.locator("#field-password-error")).toContainText("at least 12");

  await phone.getByLabel("Choose a password").fill("tea at four in the garden room");
  await phone.getByLabel("Type it again").fill("tea at four in the garden room");
  await phone.getByRole("button", { name: "Create my account" }).click();
  await expect(phone).toHaveURL(/\/carer$/);
  await expect(phone.locator("[data-test=home-heading]")).toHaveText("Welcome, Nia Adeyemi");

  // The link worked once only.
  await phone.goto(link);
  await expect(phone.locator("[data-test=invitation-problem]")).toContainText("already been used");
  await invitee.close();

  await page.reload();
  await expect(row.locator("[data-test=invitation-status]")).toHaveText("Accepted");
});
