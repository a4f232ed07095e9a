use leptos::html;
use leptos::prelude::*;

/// What an authenticator code or a backup code is, in the form's eyes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// Six digits from the authenticator app.
    Totp,
    /// One of the ten one-time backup codes (`k7hq2-mx9cf`).
    Backup,
}

impl CodeKind {
    pub fn label(self) -> &'static str {
        match self {
            CodeKind::Totp => "Authentication code",
            CodeKind::Backup => "Backup code",
        }
    }

    /// Why `value` cannot be such a code, if it cannot (a predicate, as field errors are).
    pub fn check(self, value: &str) -> Option<&'static str> {
        let code = normalise(value);
        if code.is_empty() {
            return Some("is required");
        }
        match self {
            CodeKind::Totp if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) => {
                Some("must be the 6 digits your app shows")
            }
            _ => None,
        }
    }
}

/// The code as the server wants it: apps and printouts add spaces for reading.
pub fn normalise(value: &str) -> String {
    value.chars().filter(|c| !c.is_whitespace()).collect()
}

/// A one-time code input: numeric keyboard and the browser's one-time-code autofill for
/// authenticator codes, plain text for backup codes.
#[component]
pub fn CodeField(
    id: &'static str,
    #[prop(into)] kind: Signal<CodeKind>,
    value: RwSignal<String>,
    #[prop(into)] errors: Signal<Vec<String>>,
    #[prop(optional)] on_blur: Option<Callback<()>>,
    #[prop(optional)] node_ref: NodeRef<html::Input>,
) -> impl IntoView {
    let errors_id = format!("{id}-errors");
    let invalid = move || errors.with(|e| !e.is_empty());
    let label = move || kind.get().label();
    view! {
        <div class="field" class:field--invalid=invalid>
            <label class="field__label" for=id>
                {label}
            </label>
            <input
                id=id
                name=id
                type="text"
                class="input code-input"
                required=true
                spellcheck="false"
                autocapitalize="off"
                inputmode=move || if kind.get() == CodeKind::Totp { "numeric" } else { "text" }
                autocomplete=move || if kind.get() == CodeKind::Totp { "one-time-code" } else { "off" }
                maxlength=move || if kind.get() == CodeKind::Totp { "7" } else { "32" }
                node_ref=node_ref
                prop:value=move || value.get()
                on:input:target=move |ev| value.set(ev.target().value())
                on:blur=move |_| {
                    if let Some(on_blur) = on_blur {
                        on_blur.run(());
                    }
                }
                aria-invalid=move || invalid().to_string()
                aria-describedby=errors_id.clone()
            />
            <ul class="field__errors" id=errors_id>
                {move || {
                    let label = label();
                    errors
                        .get()
                        .into_iter()
                        .map(|message| view! { <li>{format!("{label} {message}.")}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authenticator_codes_are_six_digits() {
        assert_eq!(CodeKind::Totp.check("123456"), None);
        assert_eq!(CodeKind::Totp.check(" 123 456 "), None);
        assert_eq!(CodeKind::Totp.check(""), Some("is required"));
        assert!(CodeKind::Totp.check("12345").is_some());
        assert!(CodeKind::Totp.check("12345a").is_some());
    }

    #[test]
    fn backup_codes_only_need_to_be_there() {
        assert_eq!(CodeKind::Backup.check("k7hq2-mx9cf"), None);
        assert_eq!(CodeKind::Backup.check("  "), Some("is required"));
        assert_eq!(normalise(" k7hq2-mx9cf "), "k7hq2-mx9cf");
    }
}
