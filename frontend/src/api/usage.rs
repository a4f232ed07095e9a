//! The usage ingestion page's calls (SPEC ANA-1): the refused events (dead letters) and
//! the token prices that price events sent without a cost.

use gloo_net::http::Method;
use omni_types::usage::{DeadLetter, ModelPrices, RejectReason, ReplayReport, ReplayRequest};
use omni_types::{Page, paths};
use uuid::Uuid;

use super::{Api, ApiError, Call, decode, encode, page_params};

impl Api {
    /// One page of dead letters, most recently refused first; `reason` narrows them.
    pub async fn dead_letters(
        &self,
        reason: Option<RejectReason>,
        cursor: Option<String>,
    ) -> Result<Page<DeadLetter>, ApiError> {
        let filter = reason
            .map(|reason| ("reason".to_owned(), reason.as_str().to_owned()))
            .into_iter()
            .collect();
        let params = page_params(filter, cursor);
        decode(
            self.authorized(&Call::new(Method::GET, paths::DEAD_LETTERS).query(&params))
                .await?,
        )
        .await
    }

    /// Ingests the chosen dead letters again, as sent.
    pub async fn dead_letters_replay(&self, which: &ReplayRequest) -> Result<ReplayReport, ApiError> {
        let body = encode(which)?;
        decode(
            self.authorized(&Call::new(Method::POST, paths::DEAD_LETTERS_REPLAY).body(&body))
                .await?,
        )
        .await
    }

    /// Drops a dead letter: its event will never be counted.
    pub async fn dead_letter_discard(&self, id: Uuid) -> Result<(), ApiError> {
        self.authorized(&Call::new(Method::DELETE, &paths::dead_letter(id)))
            .await?;
        Ok(())
    }

    pub async fn model_prices(&self) -> Result<ModelPrices, ApiError> {
        decode(self.authorized(&Call::new(Method::GET, paths::MODEL_PRICES)).await?).await
    }

    /// Replaces every model's prices; returns the list now in force (names trimmed, by name).
    pub async fn model_prices_replace(&self, prices: &ModelPrices) -> Result<ModelPrices, ApiError> {
        let body = encode(prices)?;
        decode(
            self.authorized(&Call::new(Method::PUT, paths::MODEL_PRICES).body(&body))
                .await?,
        )
        .await
    }
}
