//! `/api/v1/settings`: platform settings.

pub mod model_prices;
