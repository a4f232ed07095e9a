//! The model price rules as the server applies them (`routes/settings/model_prices.rs`),
//! checked as the admin types, in the server's words. The server checks again: its 422
//! lands on the same rows.

use std::collections::HashSet;

use omni_types::usage::ModelPrice;

/// Models one price list holds at most.
pub const MAX_MODELS: usize = 500;
/// The highest price accepted, in dollars per million tokens.
const MAX_USD_PER_MTOK: f64 = 100_000.0;

/// A price row's fields, as the API names them in its field errors (`models[2].model`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PriceField {
    Model,
    Input,
    Output,
    Cached,
}

impl PriceField {
    pub const ALL: [PriceField; 4] = [
        PriceField::Model,
        PriceField::Input,
        PriceField::Output,
        PriceField::Cached,
    ];

    pub fn wire(self) -> &'static str {
        match self {
            PriceField::Model => "model",
            PriceField::Input => "input_usd_per_mtok",
            PriceField::Output => "output_usd_per_mtok",
            PriceField::Cached => "cached_usd_per_mtok",
        }
    }

    /// The input's label, which also starts its error messages.
    pub fn label(self) -> &'static str {
        match self {
            PriceField::Model => "Model",
            PriceField::Input => "Input price",
            PriceField::Output => "Output price",
            PriceField::Cached => "Cached price",
        }
    }
}

/// One row as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriceText {
    pub model: String,
    pub input: String,
    pub output: String,
    pub cached: String,
}

impl PriceText {
    pub fn of(price: &ModelPrice) -> Self {
        PriceText {
            model: price.model.clone(),
            input: price.input_usd_per_mtok.to_string(),
            output: price.output_usd_per_mtok.to_string(),
            cached: price.cached_usd_per_mtok.to_string(),
        }
    }

    pub fn get(&self, field: PriceField) -> &str {
        match field {
            PriceField::Model => &self.model,
            PriceField::Input => &self.input,
            PriceField::Output => &self.output,
            PriceField::Cached => &self.cached,
        }
    }
}

/// Dollars per million tokens as typed (`3`, `0.25`, `$15`). A blank cached price is 0,
/// as the API takes a missing one.
fn dollars(text: &str, field: PriceField) -> Result<f64, &'static str> {
    let text = text.trim().trim_start_matches('$').trim();
    if text.is_empty() {
        return if field == PriceField::Cached {
            Ok(0.0)
        } else {
            Err("is required")
        };
    }
    match text.parse::<f64>() {
        Ok(usd) if usd.is_finite() && (0.0..=MAX_USD_PER_MTOK).contains(&usd) => Ok(usd),
        Ok(_) => Err("must be between 0 and 100000"),
        Err(_) => Err("must be a number of US dollars, like 3 or 0.25"),
    }
}

/// What is wrong with each row's fields, by row position; empty when the list can be sent.
pub fn check(rows: &[PriceText]) -> Vec<Vec<(PriceField, &'static str)>> {
    let mut seen = HashSet::new();
    rows.iter()
        .map(|row| {
            let mut problems = Vec::new();
            let model = row.model.trim();
            if model.is_empty() || model.chars().count() > 100 || model.chars().any(char::is_control) {
                problems.push((
                    PriceField::Model,
                    "must be 1 to 100 characters, without control characters",
                ));
            } else if !seen.insert(model) {
                problems.push((PriceField::Model, "is listed twice"));
            }
            for field in [PriceField::Input, PriceField::Output, PriceField::Cached] {
                if let Err(message) = dollars(row.get(field), field) {
                    problems.push((field, message));
                }
            }
            problems
        })
        .collect()
}

/// The rows as the API takes them, if every one is right.
pub fn parse(rows: &[PriceText]) -> Option<Vec<ModelPrice>> {
    if rows.len() > MAX_MODELS || check(rows).iter().any(|problems| !problems.is_empty()) {
        return None;
    }
    rows.iter()
        .map(|row| {
            Some(ModelPrice {
                model: row.model.trim().to_owned(),
                input_usd_per_mtok: dollars(&row.input, PriceField::Input).ok()?,
                output_usd_per_mtok: dollars(&row.output, PriceField::Output).ok()?,
                cached_usd_per_mtok: dollars(&row.cached, PriceField::Cached).ok()?,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(model: &str, input: &str, output: &str, cached: &str) -> PriceText {
        PriceText {
            model: model.into(),
            input: input.into(),
            output: output.into(),
            cached: cached.into(),
        }
    }

    #[test]
    fn good_rows_parse_with_a_blank_cached_price_as_zero() {
        let rows = [
            row(" claude-sonnet ", "3", "$15", ""),
            row("gpt-4o", "2.5", "10", "1.25"),
        ];
        assert!(check(&rows).iter().all(Vec::is_empty));
        let prices = parse(&rows).unwrap();
        assert_eq!(prices[0].model, "claude-sonnet");
        assert_eq!(prices[0].output_usd_per_mtok, 15.0);
        assert_eq!(prices[0].cached_usd_per_mtok, 0.0);
        assert_eq!(prices[1].cached_usd_per_mtok, 1.25);
    }

    #[test]
    fn problems_are_the_servers() {
        let rows = [
            row("m", "-1", "abc", "100001"),
            row("", "", "1", "0"),
            row(" m", "1", "inf", "NaN"),
            row(&"x".repeat(101), "1", "1", "0"),
        ];
        let problems = check(&rows);
        assert_eq!(
            problems[0],
            [
                (PriceField::Input, "must be between 0 and 100000"),
                (PriceField::Output, "must be a number of US dollars, like 3 or 0.25"),
                (PriceField::Cached, "must be between 0 and 100000"),
            ]
        );
        assert_eq!(
            problems[1],
            [
                (
                    PriceField::Model,
                    "must be 1 to 100 characters, without control characters"
                ),
                (PriceField::Input, "is required"),
            ]
        );
        assert_eq!(problems[2][0], (PriceField::Model, "is listed twice"));
        assert_eq!(problems[2].len(), 3);
        assert_eq!(problems[3][0].0, PriceField::Model);
        assert_eq!(parse(&rows), None);
    }

    #[test]
    fn prices_show_as_typed() {
        let price = ModelPrice {
            model: "m".into(),
            input_usd_per_mtok: 3.0,
            output_usd_per_mtok: 0.25,
            cached_usd_per_mtok: 0.000001,
        };
        let text = PriceText::of(&price);
        assert_eq!((text.input.as_str(), text.output.as_str()), ("3", "0.25"));
        assert_eq!(parse(&[text]).unwrap()[0], price);
    }
}
