//! What the sign-in form checks before asking the server. Messages are predicates, in the
//! style of the API's field errors, shown after the field's label.

/// Why `value` cannot be an email address, if it cannot.
pub fn email(value: &str) -> Option<&'static str> {
    let value = value.trim();
    if value.is_empty() {
        return Some("is required");
    }
    let looks_right = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && !domain.contains('@')
            && domain.split('.').count() >= 2
            && domain.split('.').all(|label| !label.is_empty())
    }) && !value.chars().any(char::is_whitespace);
    (!looks_right).then_some("does not look like an email address")
}

pub fn password(value: &str) -> Option<&'static str> {
    value.is_empty().then_some("is required")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email("owner@example.com"), None);
        assert_eq!(email("  owner@example.com "), None);
        assert_eq!(email(""), Some("is required"));
        assert_eq!(email("   "), Some("is required"));
        for wrong in [
            "owner",
            "owner@",
            "@example.com",
            "owner@example",
            "a@b@example.com",
            "ow ner@example.com",
            "owner@example.",
        ] {
            assert_eq!(email(wrong), Some("does not look like an email address"), "{wrong}");
        }
    }

    #[test]
    fn passwords() {
        assert_eq!(password(""), Some("is required"));
        assert_eq!(password(" "), None);
    }
}
