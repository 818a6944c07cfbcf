import type { Page } from "playwright-core";

/** Waits for the page a form submission leads to. */
export async function submit(page: Page, button: string): Promise<void> {
  await Promise.all([
    page.waitForLoadState("load"),
    page.getByRole("button", { name: button, exact: true }).click(),
  ]);
  await page.waitForLoadState("load");
}

/** First sign-in: the API token from `init`, then a dashboard password. */
export async function firstSignIn(page: Page, url: string, token: string, password: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByRole("link", { name: "Set a password with your API token" }).click();
  await page.getByLabel("API token").fill(token);
  await page.getByLabel("New password").fill(password);
  await page.getByLabel("Repeat the password").fill(password);
  await submit(page, "Set password and sign in");
}

export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/login`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await submit(page, "Sign in");
}
