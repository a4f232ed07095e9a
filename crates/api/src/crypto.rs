//! Secrets the server must read back (TOTP seeds now, MCP auth headers later): AES-256-GCM
//! under `OMNI_ENCRYPTION_KEY`, stored as `nonce (12 bytes) || ciphertext`.

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use rand::RngCore;
use sha2::{Digest, Sha256};

#[derive(Clone)]
pub struct Sealer {
    cipher: Aes256Gcm,
    /// Key for hashing low-entropy one-time codes (backup codes), derived from the same key.
    pepper: [u8; 32],
}

impl Sealer {
    pub fn new(key: &[u8; 32]) -> Self {
        let pepper: [u8; 32] = Sha256::new()
            .chain_update(b"omni-admin pepper")
            .chain_update(key)
            .finalize()
            .into();
        Sealer {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(*key)),
            pepper,
        }
    }

    pub fn seal(&self, plaintext: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        rand::rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(&Nonce::from(nonce), plaintext)
            .expect("AES-GCM encryption does not fail");
        [nonce.as_slice(), &ciphertext].concat()
    }

    /// `None` when the data was not sealed with this key or was altered.
    pub fn open(&self, sealed: &[u8]) -> Option<Vec<u8>> {
        let (nonce, ciphertext) = sealed.split_at_checked(12)?;
        let nonce: [u8; 12] = nonce.try_into().ok()?;
        self.cipher.decrypt(&Nonce::from(nonce), ciphertext).ok()
    }

    /// Keyed hash of a one-time code: a leaked table is useless without the key.
    pub fn code_hash(&self, code: &str) -> Vec<u8> {
        Sha256::new()
            .chain_update(self.pepper)
            .chain_update(code.as_bytes())
            .finalize()
            .to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper() {
        let sealer = Sealer::new(&[7; 32]);
        let sealed = sealer.seal(b"seed");
        assert_eq!(sealer.open(&sealed).as_deref(), Some(b"seed".as_slice()));
        let mut altered = sealed.clone();
        *altered.last_mut().unwrap() ^= 1;
        assert!(sealer.open(&altered).is_none());
        assert!(Sealer::new(&[8; 32]).open(&sealed).is_none());
        assert_ne!(sealer.seal(b"seed"), sealed, "fresh nonce each time");
    }
}
