//! The filter form's fields and the rules between its text and an `AuditFilter`.

use omni_types::audit::AuditFilter;

use super::url;
use crate::components::local_time::input::{Zone, input_to_utc, utc_to_input};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Actor,
    Action,
    ResourceType,
    ResourceId,
    From,
    To,
    Search,
}

/// The form's text, one string per field in [`Field::ALL`] order.
pub type Values = [String; Field::ALL.len()];

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Actor,
        Field::Action,
        Field::ResourceType,
        Field::ResourceId,
        Field::From,
        Field::To,
        Field::Search,
    ];

    pub fn index(self) -> usize {
        self as usize
    }

    /// The query parameter (and `AuditFilter` field) it sets; the server names its field
    /// errors the same way.
    pub fn param(self) -> &'static str {
        match self {
            Field::Actor => "actor",
            Field::Action => "action",
            Field::ResourceType => "resource_type",
            Field::ResourceId => "resource_id",
            Field::From => url::FROM,
            Field::To => url::TO,
            Field::Search => "q",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Field::Actor => "audit-actor",
            Field::Action => "audit-action",
            Field::ResourceType => "audit-resource-type",
            Field::ResourceId => "audit-resource-id",
            Field::From => "audit-from",
            Field::To => "audit-to",
            Field::Search => "audit-search",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Actor => "Actor",
            Field::Action => "Action",
            Field::ResourceType => "Resource type",
            Field::ResourceId => "Resource id",
            Field::From => "From",
            Field::To => "To",
            Field::Search => "Search",
        }
    }

    /// The input's `type`.
    pub fn kind(self) -> &'static str {
        match self {
            Field::From | Field::To => "datetime-local",
            Field::Search => "search",
            _ => "text",
        }
    }

    pub fn placeholder(self) -> Option<&'static str> {
        match self {
            Field::Actor => Some("Email, token name or id"),
            Field::Action => Some("e.g. auth.login"),
            Field::ResourceType => Some("e.g. admin"),
            Field::Search => Some("Words in any field"),
            _ => None,
        }
    }

    pub fn is_time(self) -> bool {
        matches!(self, Field::From | Field::To)
    }
}

/// Range check message, on `To`.
pub const TO_BEFORE_FROM: &str = "must not be before From";

/// What the form shows for `filter`: times in the admin's zone.
pub fn values_of(filter: &AuditFilter, zone: &impl Zone) -> Values {
    let text = |value: &Option<String>| value.clone().unwrap_or_default();
    let time = |value: &Option<_>| value.map(|t| utc_to_input(t, zone)).unwrap_or_default();
    [
        text(&filter.actor),
        text(&filter.action),
        text(&filter.resource_type),
        text(&filter.resource_id),
        time(&filter.from),
        time(&filter.to),
        text(&filter.q),
    ]
}

/// The filter the form's text asks for, or what is wrong with it, field by field.
pub fn filter_of(values: &Values, zone: &impl Zone) -> Result<AuditFilter, Vec<(Field, &'static str)>> {
    let text = |field: Field| {
        let value = values[field.index()].trim();
        (!value.is_empty()).then(|| value.to_owned())
    };
    let mut errors = Vec::new();
    let mut time = |field: Field| {
        input_to_utc(&values[field.index()], zone).unwrap_or_else(|message| {
            errors.push((field, message));
            None
        })
    };
    let from = time(Field::From);
    let to = time(Field::To);
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        errors.push((Field::To, TO_BEFORE_FROM));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(AuditFilter {
        actor: text(Field::Actor),
        action: text(Field::Action),
        resource_type: text(Field::ResourceType),
        resource_id: text(Field::ResourceId),
        from,
        to,
        q: text(Field::Search),
    })
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::api::filter_params;
    use crate::components::local_time::input::{FixedZone, NOT_A_TIME};

    fn values(pairs: &[(Field, &str)]) -> Values {
        let mut values = Values::default();
        for (field, value) in pairs {
            values[field.index()] = (*value).to_owned();
        }
        values
    }

    #[test]
    fn fields_are_named_as_the_api_names_them() {
        let full = AuditFilter {
            actor: Some("a".into()),
            action: Some("b".into()),
            resource_type: Some("c".into()),
            resource_id: Some("d".into()),
            from: Some(Utc::now()),
            to: Some(Utc::now()),
            q: Some("e".into()),
        };
        let mut api_names: Vec<_> = filter_params(&full).into_iter().map(|(name, _)| name).collect();
        let mut ours: Vec<_> = Field::ALL.iter().map(|f| f.param().to_owned()).collect();
        api_names.sort();
        ours.sort();
        assert_eq!(api_names, ours);
        for (i, field) in Field::ALL.iter().enumerate() {
            assert_eq!(field.index(), i);
        }
    }

    #[test]
    fn form_text_becomes_a_filter_in_utc() {
        let zone = FixedZone(2);
        let filter = filter_of(
            &values(&[
                (Field::Actor, "  ada@example.com "),
                (Field::Action, "auth.login"),
                (Field::ResourceType, "   "),
                (Field::From, "2026-03-01T08:00"),
                (Field::To, "2026-03-01T18:30"),
                (Field::Search, "rotation"),
            ]),
            &zone,
        )
        .unwrap();
        assert_eq!(filter.actor.as_deref(), Some("ada@example.com"));
        assert_eq!(filter.resource_type, None);
        assert_eq!(filter.from, Some(Utc.with_ymd_and_hms(2026, 3, 1, 6, 0, 0).unwrap()));
        assert_eq!(filter.to, Some(Utc.with_ymd_and_hms(2026, 3, 1, 16, 30, 0).unwrap()));
        assert_eq!(filter.q.as_deref(), Some("rotation"));
        // And back: the form shows what was applied, in the same zone.
        let shown = values_of(&filter, &zone);
        assert_eq!(shown[Field::From.index()], "2026-03-01T08:00");
        assert_eq!(shown[Field::Actor.index()], "ada@example.com");
        assert_eq!(filter_of(&shown, &zone), Ok(filter));
    }

    #[test]
    fn empty_form_is_no_filter() {
        assert_eq!(filter_of(&Values::default(), &FixedZone(0)), Ok(AuditFilter::default()));
        assert_eq!(values_of(&AuditFilter::default(), &FixedZone(0)), Values::default());
    }

    #[test]
    fn from_must_not_follow_to() {
        let zone = FixedZone(0);
        let reversed = values(&[(Field::From, "2026-03-02T00:00"), (Field::To, "2026-03-01T00:00")]);
        assert_eq!(filter_of(&reversed, &zone), Err(vec![(Field::To, TO_BEFORE_FROM)]));
        let same = values(&[(Field::From, "2026-03-01T00:00"), (Field::To, "2026-03-01T00:00")]);
        assert!(filter_of(&same, &zone).is_ok());
        let open_ended = values(&[(Field::From, "2026-03-02T00:00")]);
        assert!(filter_of(&open_ended, &zone).is_ok());
    }

    #[test]
    fn bad_times_are_named() {
        let wrong = values(&[(Field::From, "soon"), (Field::To, "2026-13-01T00:00")]);
        assert_eq!(
            filter_of(&wrong, &FixedZone(0)),
            Err(vec![(Field::From, NOT_A_TIME), (Field::To, NOT_A_TIME)])
        );
    }
}
