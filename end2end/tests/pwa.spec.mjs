// The carer app on a phone: installable (manifest, icons, service worker), usable
// offline, and logs made without a connection are kept with their idempotency keys and
// counted exactly once when it returns — the daily cap still applies; and the home page
// is whole in the server's HTML, its Log form working before (or without) the WASM.
import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, hydrated, openMenu, signIn, sql, taskWithRoom } from "./session.mjs";

test("the carer app is installable and opens offline", async ({ page, context, baseURL }) => {
  await signIn(page, "megan@example.com");
  await expect(page).toHaveURL(/\/carer$/);
  await hydrated(page);

  const manifest = await page.evaluate(async () => {
    const link = document.querySelector("link[rel=manifest]");
    const response = await fetch(link.href);
    return { ok: response.ok, body: await response.json() };
  });
  expect(manifest.ok).toBe(true);
  expect(manifest.body).toMatchObject({ display: "standalone", start_url: "/carer", theme_color: "#0f5c5b" });
  const sizes = manifest.body.icons.map((icon) => icon.sizes);
  expect(sizes).toEqual(expect.arrayContaining(["192x192", "512x512"]));
  expect(manifest.body.icons.some((icon) => icon.purpose === "maskable")).toBe(true);
  for (const icon of manifest.body.icons) {
    const answer = await page.request.get(icon.src);
    expect(answer.status(), icon.src).toBe(200);
    expect(answer.headers()["content-type"], icon.src).toContain(icon.type);
  }

  // The worker is installed for the whole site and, after a reload, controls the page.
  const scope = await page.evaluate(async () => (await navigator.serviceWorker.ready).scope);
  expect(scope).toBe(new URL("/", baseURL).href);
  await page.reload();
  await hydrated(page);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  // Offline: the home page opens from the copy kept on the phone; a page never opened
  // here says so.
  await context.setOffline(true);
  await page.goto("/carer");
  await expect(page.locator("[data-test=home-heading]")).toContainText("Megan");
  await page.goto("/carer/shifts");
  await expect(page.locator("[data-test=offline-page]")).toContainText("You are offline");
  await context.setOffline(false);
});

test("logs made offline wait on the phone, are counted once back online, and the cap still holds", async ({ page, context }) => {
  test.setTimeout(60_000);
  await signIn(page, "megan@example.com");
  await expect(page).toHaveURL(/\/carer$/);
  await hydrated(page);
  const { card, done } = await taskWithRoom(page, 6);
  const name = await card.getAttribute("data-task");
  const today = async () => Number((await card.locator("[data-test=logged-today]").textContent()).match(/Logged today: (\d+)/)[1]);
  const before = await today();
  const count = card.getByLabel("How many times?");
  const log = async (n) => {
    await count.fill(String(n));
    await count.evaluate((input) => input.removeAttribute("max"));
    await card.getByRole("button", { name: "Log" }).click();
    await expect(page.locator(".toast--info").last()).toContainText("kept on this phone");
  };

  await context.setOffline(true);
  await log(2);
  await expect(page.locator("[data-test=pending-sync]")).toHaveText("Pending sync (1)");
  await log(3);
  // More than is left today: the phone cannot know, the server will refuse it.
  await log(100 - before);
  await expect(page.locator("[data-test=pending-sync]")).toHaveText("Pending sync (3)");
  // Nothing counted yet.
  await expect(card.locator("[data-test=progress-text]")).toContainText(`${done} of`);

  await context.setOffline(false);
  await expect(page.locator(".toast--success").last()).toContainText("Sent 2 log(s)");
  await expect(page.locator("[data-test=pending-sync]")).toHaveCount(0);
  const refused = page.locator("[data-test=refused-logs]");
  await expect(refused).toContainText("1 log(s) made offline were not counted");
  await expect(refused).toContainText(`${name} × ${100 - before}`);
  await expect(refused).toContainText("more for this task today");
  // Exactly the two accepted logs, once each.
  const after = page.locator(`[data-test=today-task][data-task="${name}"]`);
  await expect(after.locator("[data-test=progress-text]")).toContainText(`${done + 5} of`);
  await expect(after.locator("[data-test=logged-today]")).toContainText(`Logged today: ${before + 5}`);
  await page.reload();
  await hydrated(page);
  await expect(after.locator("[data-test=logged-today]")).toContainText(`Logged today: ${before + 5}`);
  await expect(page.locator("[data-test=pending-sync]")).toHaveCount(0);
});

test("logs kept on a shared phone are sent only by the carer who made them", async ({ page, context }, info) => {
  test.setTimeout(60_000);
  await signIn(page, "megan@example.com");
  await expect(page).toHaveURL(/\/carer$/);
  await hydrated(page);
  const { card } = await taskWithRoom(page, 1);
  const name = await card.getAttribute("data-task");
  const loggedToday = async (where) =>
    Number((await where.locator("[data-test=logged-today]").textContent()).match(/Logged today: (\d+)/)[1]);
  const before = await loggedToday(card);

  // Made offline; the server stays out of reach after the line returns, so the log waits.
  await context.setOffline(true);
  await card.getByLabel("How many times?").fill("1");
  await card.getByRole("button", { name: "Log" }).click();
  await expect(page.locator("[data-test=pending-sync]")).toHaveText("Pending sync (1)");
  await page.route("**/api/sync_practice", (route) => route.abort());
  await context.setOffline(false);

  // Signing out says what is waiting, and asking to stay keeps Megan signed in.
  await openMenu(page, info);
  await page.locator("[data-test=sign-out]").click();
  const ask = page.locator("[data-test=unsent-logs]");
  await expect(ask).toContainText("1 log(s) you made on this phone have not been sent yet");
  await ask.getByRole("button", { name: "Stay signed in" }).click();
  await expect(ask).toHaveCount(0);
  await expect(page.locator("[data-test=signed-in-as]")).toBeVisible();
  await openMenu(page, info);
  await page.locator("[data-test=sign-out]").click();
  await ask.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.unroute("**/api/sync_practice");

  // Sam signs in on the same phone: Megan's log is not his to send, nor shown as his.
  const sent = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/sync_practice")) sent.push(request.postData());
  });
  await signIn(page, "sam@example.com");
  await expect(page).toHaveURL(/\/carer$/);
  await hydrated(page);
  await expect(page.locator("[data-test=home-heading]")).toContainText("Sam");
  await expect(page.locator("[data-test=pending-sync]")).toHaveCount(0);
  // Nothing waiting of his: signing out does not ask.
  await openMenu(page, info);
  await page.locator("[data-test=sign-out]").click();
  await expect(page).toHaveURL(/\/login/);
  expect(sent).toEqual([]);

  // Megan again: her log is sent and counted once, for her.
  await signIn(page, "megan@example.com");
  await expect(page).toHaveURL(/\/carer$/);
  await hydrated(page);
  await expect(page.locator(".toast--success").last()).toContainText("Sent 1 log(s)");
  expect(sent).toHaveLength(1);
  const after = page.locator(`[data-test=today-task][data-task="${name}"]`);
  await expect(after.locator("[data-test=logged-today]")).toContainText(`Logged today: ${before + 1}`);
  await expect(page.locator("[data-test=pending-sync]")).toHaveCount(0);
});

test("a carer turns on notifications for this phone, and signing out turns them off", async ({ page, context }, info) => {
  // This machine has no network, so Chromium's own push service cannot be reached: its
  // subscribe answers a subscription with real P-256 keys and an endpoint here. What
  // CareTrack does with it — permission, keeping it, showing it, forgetting it — is real
  // (delivery to a push service is covered by the server's push tests).
  await context.grantPermissions(["notifications"]);
  await context.addInitScript(() => {
    const b64 = (bytes) => btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const stored = () => JSON.parse(localStorage.getItem("e2e-push") || "null");
    const wrap = (json) => json && {
      endpoint: json.endpoint,
      toJSON: () => json,
      unsubscribe: async () => (localStorage.removeItem("e2e-push"), true),
    };
    PushManager.prototype.subscribe = async function (options) {
      if (!options.userVisibleOnly || !options.applicationServerKey) throw new Error("bad options");
      const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
      const json = {
        endpoint: `${location.origin}/e2e-push/${crypto.randomUUID()}`,
        keys: { p256dh: b64(await crypto.subtle.exportKey("raw", pair.publicKey)), auth: b64(crypto.getRandomValues(new Uint8Array(16))) },
      };
      localStorage.setItem("e2e-push", JSON.stringify(json));
      return wrap(json);
    };
    PushManager.prototype.getSubscription = async function () {
      return wrap(stored());
    };
  });
  await signIn(page, "megan@example.com");
  await expect(page).toHaveURL(/\/carer$/);
  await page.goto("/notifications");
  await hydrated(page);
  const state = page.locator("[data-test=push-state]");
  await expect(state).toContainText("Off.");
  await page.locator("[data-test=push-on]").click();
  await expect(page.locator(".toast--success").last()).toContainText("Notifications are on for this phone.");
  await expect(state).toHaveText("On for this phone.");
  const endpoint = await page.evaluate(() => JSON.parse(localStorage.getItem("e2e-push")).endpoint);
  const kept = () => sql(`select u.email from push_subscriptions s join users u on u.id = s.user_id where s.endpoint = '${endpoint}'`);
  expect(kept()).toBe("megan@example.com");

  // Still on after a reload; signing out forgets it here and on the server.
  await page.reload();
  await hydrated(page);
  await expect(state).toHaveText("On for this phone.");
  await openMenu(page, info);
  await page.locator("[data-test=sign-out]").click();
  await expect(page).toHaveURL(/\/login/);
  expect(kept()).toBe("");
  expect(await page.evaluate(() => localStorage.getItem("e2e-push"))).toBeNull();
});

test("the carer's home is in the server's HTML, and its Log form works without JavaScript", async ({ browser }, info) => {
  test.skip(info.project.name !== "phone", "one phone is enough: no script runs");
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  // Signing in is a plain form post; the server sends the carer home.
  await page.goto("/login");
  await page.getByLabel("Email").fill("sam@example.com");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/carer$/);
  await expect(page.locator("body")).not.toHaveAttribute("data-hydrated", "true");

  // Today's tasks and their forms are in the HTML the server sent, not added by a script.
  const html = await (await page.request.get("/carer")).text();
  expect(html).toContain('data-test="today-task"');
  expect(html).toMatch(/<form[^>]*action="\/api\/log_practice/);
  expect(html).toContain('name="idempotency_key" value="');
  expect(html).toContain('name="_csrf" value="');

  const { card } = await taskWithRoom(page, 2);
  const loggedToday = async () =>
    Number((await card.locator("[data-test=logged-today]").textContent()).match(/Logged today: (\d+)/)[1]);
  const before = await loggedToday();
  await card.getByLabel("How many times?").fill("2");
  await card.getByRole("button", { name: "Log" }).click();
  // The post is answered by sending the browser back to the page, counting the log.
  await expect(page).toHaveURL(/\/carer\??$/);
  await expect.poll(loggedToday).toBe(before + 2);

  // A refused post comes back to the page with the reason, and nothing is counted. (The
  // browser's own checks would stop a 0 from being sent: this asks the server.)
  const count = card.getByLabel("How many times?");
  await count.evaluate((input) => input.removeAttribute("min"));
  await count.fill("0");
  await card.getByRole("button", { name: "Log" }).click();
  await expect(page).toHaveURL(/\/carer\??$/);
  const refused = page.locator("[data-test=form-refused]");
  await expect(refused).toHaveText("Enter a number from 1 to 100");
  expect(await loggedToday()).toBe(before + 2);
  // Shown once: the next visit is the plain page.
  await page.reload();
  await expect(page.locator("[data-test=today-task]").first()).toBeVisible();
  await expect(refused).toHaveCount(0);

  // The phone's menu opens without a script too, and its links go where they say.
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeHidden();
  await page.getByRole("button", { name: "Menu" }).click();
  await expect(nav).toBeVisible();
  await nav.getByRole("link", { name: "Your rota" }).click();
  await expect(page).toHaveURL(/\/carer\/rota$/);
  await context.close();
});
