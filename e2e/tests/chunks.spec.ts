import { expect, test, type Page } from '@playwright/test';
import { expectSignedIn, signIn } from './fixtures';

// The SPA is split (frontend/src/chunks.rs, scripts/build-spa.sh): the sign-in page needs
// the main module only, and each area of the app is a chunk fetched when it first opens.

/** The names of the WASM modules the page has requested so far. */
function wasmRequests(page: Page): string[] {
  const names: string[] = [];
  page.on('request', (request) => {
    const name = new URL(request.url()).pathname.split('/').pop() ?? '';
    if (name.endsWith('.wasm')) names.push(name);
  });
  return names;
}

test('the sign-in page loads the main module only; each page fetches its chunk when it opens', async ({
  page,
}) => {
  const wasm = wasmRequests(page);
  const main = page.waitForResponse((response) => response.url().endsWith('/omni-admin-frontend_bg.wasm'));
  await page.goto('/');
  // Sent gzipped (the build writes each asset's .gz), as WASM, which streaming compilation needs.
  const headers = (await main).headers();
  expect(headers['content-encoding']).toBe('gzip');
  expect(headers['content-type']).toBe('application/wasm');
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  expect(wasm).toEqual(['omni-admin-frontend_bg.wasm']);

  await signIn(page);
  await expectSignedIn(page);
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  expect(wasm).toContain('split_dashboard.wasm');
  expect(wasm).not.toContain('split_settings.wasm');

  // A slow chunk: the bar at the top says the page is on its way.
  await page.route('**/split_settings.wasm', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  const progress = page.getByRole('progressbar', { name: 'Opening the page' });
  await expect(progress).toHaveCount(0);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Roles' }).click();
  await expect(progress).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Roles', level: 1 })).toBeVisible();
  await expect(progress).toHaveCount(0);
  expect(wasm).toContain('split_settings.wasm');
});

test('a chunk that does not download says so, and a reload recovers', async ({ page }) => {
  await page.route('**/split_account.wasm', (route) => route.abort('internetdisconnected'));
  await page.goto('/');
  await signIn(page);
  await expectSignedIn(page);
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();

  await page.getByRole('link', { name: 'Profile', exact: true }).click();
  const failed = page.getByRole('alert').filter({ hasText: 'This page could not be opened' });
  await expect(failed).toBeVisible();
  await expect(failed).toContainText('did not download');
  // The rest of the app still works.
  await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
  await page.goBack();
  await expect(failed).toBeVisible();

  await page.unroute('**/split_account.wasm');
  await failed.getByRole('button', { name: 'Retry' }).click();
  await expectSignedIn(page);
  await expect(page.getByRole('heading', { name: 'Profile', level: 1 })).toBeVisible();
});
