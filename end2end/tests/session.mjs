// What most specs start with: waiting for hydration, and signing in as a demo person.
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
