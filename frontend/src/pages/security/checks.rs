//! What the password form checks as the admin types. The server holds the full policy
//! (common passwords, the email); these are the rules it can state up front.

/// The shortest password the server takes.
pub const MIN_PASSWORD_CHARS: usize = 12;

pub fn current_password(value: &str) -> Option<&'static str> {
    value.is_empty().then_some("is required")
}

pub fn new_password(value: &str) -> Option<&'static str> {
    if value.is_empty() {
        Some("is required")
    } else if value.chars().count() < MIN_PASSWORD_CHARS {
        Some("must be at least 12 characters")
    } else {
        None
    }
}

pub fn confirmation(new: &str, confirm: &str) -> Option<&'static str> {
    if confirm.is_empty() {
        Some("is required")
    } else if new != confirm {
        Some("does not match the new password")
    } else {
        None
    }
}

/// While the admin is still typing the confirmation, a prefix of the new password is not
/// yet wrong.
pub fn confirmation_so_far(new: &str, confirm: &str) -> Option<&'static str> {
    (!new.starts_with(confirm)).then_some("does not match the new password")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_passwords_need_twelve_characters() {
        assert_eq!(new_password(""), Some("is required"));
        assert_eq!(new_password("elevenchars"), Some("must be at least 12 characters"));
        assert_eq!(new_password("twelve chars"), None);
        // Characters, not bytes.
        assert_eq!(new_password("ééééééééééé"), Some("must be at least 12 characters"));
    }

    #[test]
    fn confirmation_must_match() {
        assert_eq!(confirmation("twelve chars", "twelve chars"), None);
        assert_eq!(confirmation("twelve chars", ""), Some("is required"));
        assert_eq!(
            confirmation("twelve chars", "twelve"),
            Some("does not match the new password")
        );
        assert_eq!(confirmation_so_far("twelve chars", "twelve"), None);
        assert_eq!(
            confirmation_so_far("twelve chars", "twelvX"),
            Some("does not match the new password")
        );
    }
}
