import { test, expect } from "@playwright/test";

// Swagger UI runs under the page's strict policy (scripts from this origin only) and
// shows the API from /api/v1/openapi.json; "Try it out" reaches the real server.
test("the API documentation page lists the REST surface and can call it", async ({ page }) => {
  const problems = [];
  page.on("pageerror", (err) => problems.push(err.message));
  page.on("console", (msg) => {
    // The 401 asked for below is logged by Chromium as a failed load; anything else counts.
    if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) problems.push(msg.text());
  });

  await page.goto("/api/docs");
  await expect(page.getByRole("heading", { name: /CareTrack Pro API/ })).toBeVisible();
  const login = page.locator("#operations-Sign-in_and_sessions-post_api_v1_auth_login");
  await expect(login).toBeVisible();
  await expect(page.getByText("/api/v1/admin/jobs/{id}/retry")).toBeVisible();

  // Try the sign-in call with wrong credentials: the documented 401 comes back.
  await login.locator(".opblock-summary").click();
  await login.getByRole("button", { name: "Try it out" }).click();
  await login
    .locator("textarea.body-param__text")
    .fill(JSON.stringify({ email: "nobody@example.com", password: "wrong" }));
  const answered = page.waitForResponse((res) => res.url().endsWith("/api/v1/auth/login"));
  await login.getByRole("button", { name: "Execute" }).click();
  expect((await answered).status()).toBe(401);
  await expect(login.locator(".live-responses-table tbody .response-col_status").first()).toContainText("401");

  expect(problems).toEqual([]);
});
