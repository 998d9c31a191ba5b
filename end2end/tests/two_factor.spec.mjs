import { test, expect } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, openMenu, signIn } from "./session.mjs";
import { createHmac } from "node:crypto";
import { execFileSync } from "node:child_process";


function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/\s+/g, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** What an authenticator app shows (RFC 6238, SHA-1, 30 s, 6 digits) `offset` steps from now. */
function totp(secret, offset = 0) {
  const step = BigInt(Math.floor(Date.now() / 1000 / 30) + offset);
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(step);
  const digest = createHmac("sha1", secret).update(counter).digest();
  const at = digest[19] & 0x0f;
  const value = (digest.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return value.toString().padStart(6, "0");
}

// Whatever happens in the test, the demo manager signs in with a password alone
// afterwards (the other tests rely on it).
test.afterEach(() => {
  execFileSync("psql", [
    process.env.DATABASE_URL,
    "-qc",
    `update users set totp_secret_enc = null, totp_secret_key_id = null, totp_enabled_at = null, totp_last_step = null
      where email = 'manager@example.com'`,
  ]);
});

test("a care manager turns on two-step verification and signs in with a code", async ({ page }, info) => {
  await signIn(page, "manager@example.com");
  await expect(page).toHaveURL(/\/admin$/);

  await page.goto("/account");
  await hydrated(page);
  const section = page.locator("[data-test=two-factor]");
  await section.locator("[data-test=start-two-factor]").click();
  const secret = base32Decode(await section.locator("[data-test=totp-secret]").innerText());
  await expect(section.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  await section.getByLabel("Code from your app").fill(totp(secret));
  await section.getByRole("button", { name: "Turn on" }).click();
  const backupCodes = section.locator("[data-test=backup-codes] li");
  await expect(backupCodes).toHaveCount(10);
  const backupCode = (await backupCodes.first().innerText()).trim();

  // Signing in now takes the password and then a code.
  await openMenu(page, info);
  await page.locator("[data-test=sign-out]").click();
  await expect(page).toHaveURL(/\/login$/);
  await signIn(page, "manager@example.com");
  const codeForm = page.locator("[data-test=code-form]");
  await expect(codeForm).toBeVisible();
  await expect(page).toHaveURL(/\/login$/);
  // The code used to turn it on is spent: the app's next code is within the window.
  await codeForm.getByLabel("Code").fill(totp(secret, 1));
  await codeForm.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/admin$/);

  // Leave the demo manager as it was for the other tests: off, with a backup code.
  await page.goto("/account");
  await hydrated(page);
  await section.getByText("Turn it off…").click();
  await section.getByLabel("Current password").fill(DEMO_PASSWORD);
  await section.getByLabel("Code from your app").fill(backupCode);
  await section.getByRole("button", { name: "Turn off two-step verification" }).click();
  await expect(page.locator(".toast--success")).toContainText("Two-step verification is off");
});
