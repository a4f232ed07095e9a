import { expect, test as setup } from '@playwright/test';
import { OPERATOR, OWNER, totp } from './fixtures';

// Runs once before the specs, on the fresh e2e database. The bootstrap owner can do
// nothing but set up MFA until it has (SPEC AUTH-4), so it does that first, signs in
// with a code, and creates the operator every spec signs in as.
setup('the owner sets up MFA and creates the e2e operator', async ({ request }) => {
  const login = await request.post('/api/v1/auth/login', { data: OWNER });
  expect(login.status()).toBe(200);
  const first = { Authorization: `Bearer ${(await login.json()).access_token}` };
  const blocked = await request.get('/api/v1/roles', { headers: first });
  expect(blocked.status()).toBe(403);
  expect((await blocked.json()).type).toBe('/problems/mfa-enrolment-required');

  const enrolment = await request.post('/api/v1/auth/mfa/enrolment', { headers: first });
  expect(enrolment.status()).toBe(200);
  const { secret } = await enrolment.json();
  const confirmed = await request.post('/api/v1/auth/mfa/enrolment/confirm', {
    headers: first,
    data: { code: totp(secret) },
  });
  expect(confirmed.status()).toBe(200);

  // Password alone no longer signs the owner in; the next step's code does.
  const challenged = await request.post('/api/v1/auth/login', { data: OWNER });
  expect(challenged.status()).toBe(401);
  const { mfa_challenge: challenge } = await challenged.json();
  const second = await request.post('/api/v1/auth/login/mfa', { data: { challenge, code: totp(secret, 1) } });
  expect(second.status()).toBe(200);
  const owner = { Authorization: `Bearer ${(await second.json()).access_token}` };

  const catalogue = await request.get('/api/v1/permissions', { headers: owner });
  expect(catalogue.status()).toBe(200);
  const permissions = ((await catalogue.json()) as { name: string }[]).map((p) => p.name);
  const role = await request.post('/api/v1/roles', {
    headers: owner,
    data: {
      name: OPERATOR.role,
      description: 'Every permission, no MFA requirement: the e2e suite signs in as it many times a minute',
      permissions,
      mfa_required: false,
    },
  });
  expect(role.status()).toBe(201);
  const admin = await request.post('/api/v1/admins', {
    headers: owner,
    data: { email: OPERATOR.email, display_name: 'E2E Operator', roles: [OPERATOR.role], password: OPERATOR.password },
  });
  expect(admin.status()).toBe(201);
});
