//! Access tokens: HS256 JWTs, 15 minutes by default. Only HS256 is accepted, so tokens
//! with `alg: none` or any other algorithm are rejected.

use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const ISSUER: &str = "omni-admin";
const AUDIENCE: &str = "omni-admin-api";
/// Audience of MFA challenges: they open only the code step, nothing else.
const CHALLENGE_AUDIENCE: &str = "omni-admin-mfa";
const CHALLENGE_TTL_SECONDS: i64 = 300;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    /// Admin id.
    pub sub: Uuid,
    /// Session: the refresh-token family this token was issued from.
    pub sid: Uuid,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
}

#[derive(Clone)]
pub struct JwtKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    challenge_validation: Validation,
    ttl: Duration,
}

/// An MFA challenge: the password step passed for `sub`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct ChallengeClaims {
    sub: Uuid,
    iat: i64,
    exp: i64,
    iss: String,
    aud: String,
}

impl JwtKeys {
    /// Keys from the configured secret, or a random one (development only: tokens then
    /// die with the process, and the SPA silently refreshes).
    pub fn new(secret: Option<&SecretString>, ttl: Duration) -> Self {
        let bytes = match secret {
            Some(s) => s.expose_secret().as_bytes().to_vec(),
            None => {
                let mut random = vec![0u8; 64];
                rand::rng().fill_bytes(&mut random);
                random
            }
        };
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        validation.leeway = 5;
        let mut challenge_validation = validation.clone();
        challenge_validation.set_audience(&[CHALLENGE_AUDIENCE]);
        challenge_validation.set_required_spec_claims(&["exp", "iat", "sub", "iss", "aud"]);
        JwtKeys {
            encoding: EncodingKey::from_secret(&bytes),
            decoding: DecodingKey::from_secret(&bytes),
            validation,
            challenge_validation,
            ttl,
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    pub fn issue(&self, admin_id: Uuid, session_id: Uuid) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: admin_id,
            sid: session_id,
            iat: now,
            exp: now + self.ttl.as_secs() as i64,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// A 5-minute token proving the password step passed for `admin_id`.
    pub fn issue_challenge(&self, admin_id: Uuid) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        let claims = ChallengeClaims {
            sub: admin_id,
            iat: now,
            exp: now + CHALLENGE_TTL_SECONDS,
            iss: ISSUER.into(),
            aud: CHALLENGE_AUDIENCE.into(),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// The admin a challenge was issued for, if it is ours and fresh.
    pub fn verify_challenge(&self, token: &str) -> Option<Uuid> {
        jsonwebtoken::decode::<ChallengeClaims>(token, &self.decoding, &self.challenge_validation)
            .ok()
            .map(|d| d.claims.sub)
    }

    /// Signs arbitrary claims with our key (tests forge expired tokens with it).
    #[doc(hidden)]
    pub fn sign(&self, claims: &Claims) -> String {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding).expect("HS256 signing")
    }

    pub fn verify(&self, token: &str) -> Option<Claims> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .ok()
            .map(|d| d.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;

    fn keys() -> JwtKeys {
        JwtKeys::new(Some(&"k".repeat(40).into()), Duration::from_secs(900))
    }

    #[test]
    fn challenges_and_access_tokens_do_not_mix() {
        let admin = Uuid::now_v7();
        let challenge = keys().issue_challenge(admin).unwrap();
        assert_eq!(keys().verify_challenge(&challenge), Some(admin));
        assert!(
            keys().verify(&challenge).is_none(),
            "a challenge is not an access token"
        );
        let access = keys().issue(admin, Uuid::now_v7()).unwrap();
        assert!(
            keys().verify_challenge(&access).is_none(),
            "an access token is not a challenge"
        );
    }

    #[test]
    fn round_trip() {
        let (admin, sid) = (Uuid::now_v7(), Uuid::now_v7());
        let claims = keys().verify(&keys().issue(admin, sid).unwrap()).unwrap();
        assert_eq!((claims.sub, claims.sid), (admin, sid));
    }

    #[test]
    fn rejects_other_keys_expired_and_alg_none() {
        let token = keys().issue(Uuid::now_v7(), Uuid::now_v7()).unwrap();
        let other = JwtKeys::new(Some(&"x".repeat(40).into()), Duration::from_secs(900));
        assert!(other.verify(&token).is_none());

        let now = chrono::Utc::now().timestamp();
        let expired = Claims {
            sub: Uuid::now_v7(),
            sid: Uuid::now_v7(),
            iat: now - 3600,
            exp: now - 60,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
        };
        assert!(keys().verify(&keys().sign(&expired)).is_none());

        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let payload = token.split('.').nth(1).unwrap();
        let none = format!("{}.{}.", b64.encode(r#"{"alg":"none","typ":"JWT"}"#), payload);
        assert!(keys().verify(&none).is_none());
    }
}
