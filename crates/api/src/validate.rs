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
                && !email.chars().any(|c| c.is_whitespace() || c.is_control()) =>
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

/// A free-text filter or field from a query or body: trimmed, blank is none, at most
/// `max` characters and no NUL (which PostgreSQL text refuses: it would be a 500).
pub fn optional_text(raw: Option<&str>, max: usize) -> Result<Option<String>, String> {
    let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if text.contains('\0') {
        return Err("must not contain NUL characters".into());
    }
    Ok(Some(text.to_owned()))
}

/// An optional choice from a query (`status=`, `plan=`, …): blank is none; anything else
/// must be one of the values (the error lists them).
pub fn optional_choice<T: std::str::FromStr<Err = String>>(raw: Option<&str>) -> Result<Option<T>, String> {
    match raw.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => text.parse().map(Some),
    }
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
            "a\0b@example.com",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn filter_text() {
        assert_eq!(optional_text(Some("  ada "), 10), Ok(Some("ada".into())));
        assert_eq!(optional_text(Some("   "), 10), Ok(None));
        assert_eq!(optional_text(None, 10), Ok(None));
        assert!(optional_text(Some("a\0b"), 10).is_err());
        assert!(optional_text(Some("abcdef"), 5).is_err());
    }

    #[test]
    fn names() {
        assert_eq!(display_name(" Ada "), Ok("Ada".into()));
        assert!(display_name("").is_err());
        assert!(display_name(&"x".repeat(101)).is_err());
        assert!(display_name("a\u{7}b").is_err());
    }
}
