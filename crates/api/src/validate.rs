//! Field checks shared by request bodies: each turns raw input into the value stored, or
//! says what is wrong in words fit for a field error.

/// A trimmed, lower-cased email address with one `@`, a non-empty local part and a dotted
/// domain. (Deliverability is not checked: nothing is sent to it.)
pub fn email(raw: &str) -> Result<String, &'static str> {
    let email = raw.trim().to_lowercase();
    if email.is_empty() {
        return Err("is required");
    }
    if email.len() > 254 {
        return Err("must be at most 254 characters");
    }
    match email.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(char::is_whitespace) =>
        {
            Ok(email)
        }
        _ => Err("is not an email address"),
    }
}

/// A display name: trimmed, 1 to 100 characters, no control characters.
pub fn display_name(raw: &str) -> Result<String, &'static str> {
    let name = raw.trim();
    if name.is_empty() {
        return Err("is required");
    }
    if name.chars().count() > 100 {
        return Err("must be at most 100 characters");
    }
    if name.chars().any(char::is_control) {
        return Err("must not contain control characters");
    }
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(email("  Ada@Example.COM "), Ok("ada@example.com".into()));
        for bad in [
            "",
            "ada",
            "@example.com",
            "ada@",
            "ada@example",
            "a b@example.com",
            "a@b@example.com",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(display_name(" Ada "), Ok("Ada".into()));
        assert!(display_name("").is_err());
        assert!(display_name(&"x".repeat(101)).is_err());
        assert!(display_name("a\u{7}b").is_err());
    }
}
