import { expect, type Page } from '@playwright/test';

// The bootstrap owner the e2e server is started with (scripts/e2e-server.sh).
export const OWNER = {
  email: process.env.OMNI_E2E_EMAIL ?? 'e2e-owner@example.com',
  password: process.env.OMNI_E2E_PASSWORD ?? 'e2e owner passphrase',
};

export async function signIn(page: Page, email = OWNER.email, password = OWNER.password) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function expectSignedIn(page: Page, email = OWNER.email) {
  await expect(page.getByTestId('current-admin')).toContainText(email);
}
