//! TOTP (RFC 6238: SHA-1, 6 digits, 30 s, ±1 step) and backup codes.

use rand::Rng;
use totp_rs::{Algorithm, Secret, Totp};

pub const ISSUER: &str = "Omni Admin";
pub const BACKUP_CODES: usize = 10;

/// A new random 160-bit secret.
pub fn new_secret() -> Vec<u8> {
    let mut bytes = vec![0u8; 20];
    rand::rng().fill(&mut bytes[..]);
    bytes
}

pub fn totp(secret: &[u8], account: &str) -> anyhow::Result<Totp> {
    totp_rs::Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(Secret::from(secret))
        .with_issuer(Some(ISSUER))
        .with_account_name(account)
        .build()
        .map_err(|e| anyhow::anyhow!("TOTP: {e}"))
}

pub fn base32(secret: &[u8]) -> String {
    Secret::from(secret).to_base32()
}

/// The QR code of `uri` as an SVG document.
pub fn qr_svg(uri: &str) -> anyhow::Result<String> {
    let code = qrcode::QrCode::new(uri.as_bytes())?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build())
}

/// The time step `code` matches now, if any (the caller refuses steps already used).
pub fn matching_step(totp: &Totp, code: &str) -> Option<u64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    totp.check(&code, now)
}

/// Ten codes like `k7hq2-mx9cf` (50 bits each, no look-alike characters).
pub fn new_backup_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..BACKUP_CODES)
        .map(|_| {
            let mut chars: Vec<char> = (0..10)
                .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
                .collect();
            chars.insert(5, '-');
            chars.into_iter().collect()
        })
        .collect()
}

/// A backup code as typed, normalised the way it was hashed (`k7hq2-mx9cf`).
pub fn normalise_backup_code(code: &str) -> Option<String> {
    let plain: String = code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    (plain.len() == 10).then(|| format!("{}-{}", &plain[..5], &plain[5..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_steps() {
        let secret = new_secret();
        let totp = totp(&secret, "a@example.com").unwrap();
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let code = totp.generate(now).to_string();
        assert_eq!(matching_step(&totp, &code), Some(now / 30));
        assert_eq!(matching_step(&totp, "12345"), None);
        assert!(
            totp.to_url()
                .unwrap()
                .starts_with("otpauth://totp/Omni%20Admin:a%40example.com?")
        );
        assert!(qr_svg("otpauth://totp/x").unwrap().starts_with("<?xml"));
        let codes = new_backup_codes();
        assert_eq!(codes.len(), 10);
        assert_eq!(
            normalise_backup_code(&codes[0].to_uppercase().replace('-', " ")).as_deref(),
            Some(codes[0].as_str())
        );
    }
}
