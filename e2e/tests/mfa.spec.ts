import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { expectSignedIn, operatorToken, signIn, totp } from './fixtures';

// Each test here works on an admin of its own, created through the API by the operator.

test('TOTP matches the RFC 6238 test vector', () => {
  // RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 → its last 6 digits.
  const realNow = Date.now;
  Date.now = () => 59_000;
  try {
    expect(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ')).toBe('287082');
  } finally {
    Date.now = realNow;
  }
});

/** A fresh admin with `role` (`admin` does not require MFA), made by the operator. */
async function createAdmin(request: APIRequestContext, prefix: string, role = 'admin') {
  const token = await operatorToken(request);
  const admin = {
    email: `${prefix}-${Date.now()}@example.com`,
    password: `${prefix} e2e passphrase`,
  };
  const created = await request.post('/api/v1/admins', {
    headers: { Authorization: `Bearer ${token}` },
    data: { email: admin.email, roles: [role], password: admin.password },
  });
  expect(created.status()).toBe(201);
  const { admin: { id } } = await created.json();
  return { ...admin, id: id as string, managerToken: token };
}

async function openSecurity(page: Page) {
  await page.getByRole('link', { name: 'Security', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Security', level: 1 })).toBeVisible();
}

async function signOut(page: Page) {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
}

test('set up an authenticator, then sign in with a code and with a backup code', async ({ page, request }) => {
  const admin = await createAdmin(request, 'mfa');
  await page.goto('/profile');
  await signIn(page, admin.email, admin.password);
  await expectSignedIn(page, admin.email);
  await expect(page.getByTestId('mfa-status')).toHaveText('Not set up');

  await openSecurity(page);
  await page.getByRole('button', { name: 'Set up authenticator' }).click();
  await expect(page.getByRole('img', { name: 'QR code for your authenticator app' })).toBeVisible();
  const secret = (await page.getByTestId('mfa-secret').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^[A-Z2-7]+=*$/);

  // A wrong code is refused next to the field.
  const wrong = totp(secret) === '000000' ? '111111' : '000000';
  await page.getByLabel('Authentication code').fill(wrong);
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.locator('#mfa-confirm-code-errors')).not.toBeEmpty();

  await page.getByLabel('Authentication code').fill(totp(secret));
  await page.getByRole('button', { name: 'Confirm' }).click();
  const codes = page.getByTestId('backup-codes').locator('li');
  await expect(codes).toHaveCount(10);
  await expect(page.getByText('they are shown once')).toBeVisible();
  const backupCodes = (await codes.allTextContents()).map((code) => code.trim());
  expect(backupCodes[0]).toMatch(/^[a-z0-9]{5}-[a-z0-9]{5}$/);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('mfa-status')).toHaveText('Enabled');
  await expect(page.getByRole('button', { name: 'Regenerate backup codes' })).toBeVisible();

  // The password alone no longer signs in: the code step appears.
  await signOut(page);
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole('heading', { name: 'Two-factor code' })).toBeVisible();
  await expect(page.getByLabel('Authentication code')).toHaveAttribute('autocomplete', 'one-time-code');
  // The confirmation spent this step's code; the server also takes the next step's.
  await page.getByLabel('Authentication code').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expectSignedIn(page, admin.email);

  // Without the app: a backup code, once.
  await signOut(page);
  await signIn(page, admin.email, admin.password);
  await page.getByRole('button', { name: 'Use a backup code' }).click();
  await page.getByLabel('Backup code').fill(backupCodes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expectSignedIn(page, admin.email);

  await signOut(page);
  await signIn(page, admin.email, admin.password);
  await page.getByRole('button', { name: 'Use a backup code' }).click();
  await page.getByLabel('Backup code').fill(backupCodes[0]);
  await page.getByRole('button', { name: 'Verify' }).click();
  await expect(page.getByRole('alert')).toContainText('That code was not accepted');
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(page.getByLabel('Email')).toHaveValue(admin.email);
});

test('change the password, then sign in with the new one', async ({ page, request }) => {
  const admin = await createAdmin(request, 'pw');
  const newPassword = `new ${admin.password} ${Date.now()}`;
  await page.goto('/login');
  await signIn(page, admin.email, admin.password);
  await expectSignedIn(page, admin.email);

  await openSecurity(page);
  await page.getByLabel('Current password').fill(admin.password);
  // Checked as typed: too short, then a confirmation that does not match.
  await page.getByLabel('New password', { exact: true }).fill('short');
  await expect(page.locator('#new-password-errors')).toContainText('at least 12 characters');
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await expect(page.locator('#new-password-errors')).toBeEmpty();
  await page.getByLabel('Confirm new password').fill(`${newPassword}x`);
  await expect(page.locator('#confirm-password-errors')).toContainText('does not match');
  await page.getByLabel('Confirm new password').fill(newPassword);

  // The server checks the current password.
  await page.getByLabel('Current password').fill('not my current password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.locator('#current-password-errors')).toContainText('is not your current password');

  await page.getByLabel('Current password').fill(admin.password);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Password changed' })).toContainText(
    'Every other session has been signed out',
  );
  // The fresh session replaced the old one: still signed in after a reload.
  await page.reload();
  await expectSignedIn(page, admin.email);

  await signOut(page);
  await signIn(page, admin.email, admin.password);
  await expect(page.getByRole('alert')).toContainText('The email or password is incorrect');
  await page.getByLabel('Password').fill(newPassword);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expectSignedIn(page, admin.email);
});

test('after an owner resets the password, only the password change is open', async ({ page, request }) => {
  const admin = await createAdmin(request, 'reset');
  const reset = await request.post(`/api/v1/admins/${admin.id}/password-reset`, {
    headers: { Authorization: `Bearer ${admin.managerToken}` },
  });
  expect(reset.status()).toBe(200);
  const { temporary_password: temporary } = await reset.json();
  const newPassword = `chosen ${admin.password} ${Date.now()}`;

  await page.goto('/login');
  await signIn(page, admin.email, temporary);
  await expect(page).toHaveURL(/\/security\/password$/);
  await expect(page.getByTestId('account-banner')).toContainText('An owner reset your password');
  // Every other page sends the admin back.
  await page.getByRole('link', { name: 'Profile', exact: true }).click();
  await expect(page).toHaveURL(/\/security\/password$/);

  await page.getByLabel('Current password').fill(temporary);
  await page.getByLabel('New password', { exact: true }).fill(newPassword);
  await page.getByLabel('Confirm new password').fill(newPassword);
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Password changed' })).toBeVisible();
  await expect(page.getByTestId('account-banner')).toHaveCount(0);
  await page.getByRole('link', { name: 'Continue to Omni Admin' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard', level: 1 })).toBeVisible();
});

test('a new owner must set up MFA before anything else, then signs in with a code', async ({ page, request }) => {
  const owner = await createAdmin(request, 'owner', 'owner');
  await page.goto('/settings/admins');
  await signIn(page, owner.email, owner.password);
  // Straight to the authenticator setup, whatever page was asked for.
  await expect(page).toHaveURL(/\/security\/mfa$/);
  await expect(page.getByTestId('account-banner')).toContainText('Your role requires two-factor authentication');
  await page.getByRole('link', { name: 'Profile', exact: true }).click();
  await expect(page).toHaveURL(/\/security\/mfa$/);

  await page.getByRole('button', { name: 'Set up authenticator' }).click();
  const secret = (await page.getByTestId('mfa-secret').textContent())?.trim() ?? '';
  await page.getByLabel('Authentication code').fill(totp(secret));
  await page.getByRole('button', { name: 'Confirm' }).click();
  await expect(page.getByTestId('backup-codes').locator('li')).toHaveCount(10);
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('account-banner')).toHaveCount(0);

  // The console is open now: the owner reaches admin management.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admins' }).click();
  await expect(page.getByRole('heading', { name: 'Admins', level: 1 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add admin' })).toBeVisible();

  await signOut(page);
  await signIn(page, owner.email, owner.password);
  await expect(page.getByRole('heading', { name: 'Two-factor code' })).toBeVisible();
  await page.getByLabel('Authentication code').fill(totp(secret, 1));
  await page.getByRole('button', { name: 'Verify' }).click();
  await expectSignedIn(page, owner.email);
  await page.goto('/settings/roles');
  await expect(page.getByRole('heading', { name: 'Roles', level: 1 })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Permissions granted by each role' })).toBeVisible();
});
