import { createHmac } from 'node:crypto';
import { expect, type APIRequestContext, type Page } from '@playwright/test';

// The bootstrap owner the e2e server is started with (scripts/e2e-server.sh). Owners must
// use MFA, and a TOTP step is good once, so the suite signs in as the owner only in the
// setup project (`operator.setup.ts`), which enrols it and creates the operator below.
export const OWNER = {
  email: process.env.OMNI_E2E_EMAIL ?? 'e2e-owner@example.com',
  password: process.env.OMNI_E2E_PASSWORD ?? 'e2e owner passphrase',
};

// Who the specs sign in as: an admin holding every permission through a custom role that
// does not require MFA (an owner may set that per role). Created by the setup project.
export const OPERATOR = {
  email: 'e2e-operator@example.com',
  password: 'e2e operator passphrase',
  role: 'e2e-operator',
};

/** A suffix that keeps names apart: the e2e database lives for the whole run. */
export const unique = () => `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

export async function signIn(page: Page, email = OPERATOR.email, password = OPERATOR.password) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function expectSignedIn(page: Page, email = OPERATOR.email) {
  await expect(page.getByTestId('current-admin')).toContainText(email);
}

/** An access token for the operator, for setting things up through the API. */
export async function operatorToken(request: APIRequestContext): Promise<string> {
  const login = await request.post('/api/v1/auth/login', { data: OPERATOR });
  expect(login.status()).toBe(200);
  return (await login.json()).access_token;
}

/** RFC 4648 base32, as authenticator apps read the setup key (padding and spaces ignored). */
function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of clean) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** RFC 6238 TOTP (HMAC-SHA1, 30 s steps, 6 digits), `stepOffset` steps from now. */
export function totp(secret: string, stepOffset = 0): string {
  const step = Math.floor(Date.now() / 1000 / 30) + stepOffset;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const hmac = createHmac('sha1', base32Decode(secret)).update(counter).digest();
  const offset = hmac[hmac.length - 1] & 0x0f;
  const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}
