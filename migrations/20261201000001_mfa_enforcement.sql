-- MFA enforcement (SPEC AUTH-4): an admin holding a role flagged `mfa_required` who has no
-- confirmed authenticator may do nothing but set one up. One definition, used by the
-- session check and the API-token check alike.
CREATE FUNCTION admin_must_enrol_mfa(admin uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM admin_roles ar JOIN roles r ON r.id = ar.role_id
                   WHERE ar.admin_id = admin AND r.mfa_required)
       AND NOT EXISTS (SELECT 1 FROM admin_mfa m
                       WHERE m.admin_id = admin AND m.confirmed_at IS NOT NULL)
$$;
