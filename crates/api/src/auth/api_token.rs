//! API token secrets: `omni_` + 8-character lookup prefix + 43-character random secret.

use base64::Engine;
use omni_types::tokens::TOKEN_PREFIX;
use rand::Rng;
use rand::RngCore;
use sha2::{Digest, Sha256};

const LOOKUP_LEN: usize = 8;

/// A freshly minted token: the full secret (shown once), its stored prefix and hash.
pub struct Minted {
    pub secret: String,
    pub prefix: String,
    pub hash: Vec<u8>,
}

pub fn mint() -> Minted {
    const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::rng();
    let lookup: String = (0..LOOKUP_LEN)
        .map(|_| ALNUM[rng.random_range(0..ALNUM.len())] as char)
        .collect();
    let mut bytes = [0u8; 32];
    rng.fill_bytes(&mut bytes);
    let secret_part = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    Minted {
        secret: format!("{TOKEN_PREFIX}{lookup}{secret_part}"),
        prefix: format!("{TOKEN_PREFIX}{lookup}"),
        hash: hash(&secret_part),
    }
}

/// Splits a presented token into (stored prefix, secret part), if it looks like one.
pub fn split(token: &str) -> Option<(&str, &str)> {
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    if rest.len() <= LOOKUP_LEN || !rest.is_char_boundary(LOOKUP_LEN) {
        return None;
    }
    Some((&token[..TOKEN_PREFIX.len() + LOOKUP_LEN], &rest[LOOKUP_LEN..]))
}

pub fn hash(secret_part: &str) -> Vec<u8> {
    Sha256::digest(secret_part.as_bytes()).to_vec()
}

/// Compares hashes in constant time.
pub fn matches(expected: &[u8], secret_part: &str) -> bool {
    let actual = hash(secret_part);
    expected.len() == actual.len() && expected.iter().zip(&actual).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_tokens_split_and_match() {
        let m = mint();
        let (prefix, secret) = split(&m.secret).unwrap();
        assert_eq!(prefix, m.prefix);
        assert!(matches(&m.hash, secret));
        assert!(!matches(&m.hash, "something else"));
        assert!(split("omni_short").is_none());
        assert!(split("eyJhbGciOi").is_none());
    }
}
