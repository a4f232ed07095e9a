-- Admin-initiated password reset (SPEC AUTH-6): the admin must choose a new password at
-- the next sign-in before doing anything else.
ALTER TABLE admins
    ADD COLUMN must_change_password boolean NOT NULL DEFAULT false,
    ADD COLUMN password_changed_at timestamptz;
