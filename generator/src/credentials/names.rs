//! Which names are credentials, for the content stage's credentials check: option and field
//! names by their words, query parameters by name and family (signed URLs, Azure SAS).

use almanac_model::Value;

/// The words of a name: split at anything not a letter or digit and at lower-to-upper case
/// changes (`X-Amz-Signature`, `sas_token`, `accessToken`), lowercased.
fn words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Whether an option or field name (`key`, `secret`, `sas_token`, `client_secret`,
/// `account_key`, `accessToken`, `credentials`, …) names a secret: one of its words is a
/// credential word. `keywords` or `monkey` are not.
#[must_use]
pub fn is_secret_name(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "key",
        "keys",
        "apikey",
        "accesskey",
        "secretkey",
        "privatekey",
        "secret",
        "secrets",
        "token",
        "tokens",
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "credential",
        "credentials",
        "creds",
        "sig",
        "signature",
        "auth",
        "authorization",
        "session",
        "sas",
        "jwt",
        "bearer",
        "cookie",
        "cookies",
        "connection",
    ];
    words(name).iter().any(|w| WORDS.contains(&w.as_str()))
}

/// Whether a query parameter is a credential: a secret name, any `X-Amz-*`, `X-Goog-*` or
/// `X-Ms-*` parameter of a signed URL, an Azure SAS field (`sv`, `se`, `sp`, `sig`, …), an
/// OAuth `code`, CloudFront's `Policy`. Case-insensitive.
#[must_use]
pub fn is_secret_parameter(name: &str) -> bool {
    const NAMES: &[&str] = &[
        // Azure shared access signatures.
        "sv", "ss", "srt", "sp", "se", "st", "spr", "sip", "sr", "sig", "si", "skoid", "sktid",
        "skt", "ske", "sks", "skv", "saoid", "suoid", "scid", "sdd", "ses",
        // OAuth, CloudFront, and short password names.
        "code", "policy", "expires", "pw", "pass", "otp",
    ];
    let lower = name.trim().to_ascii_lowercase();
    is_secret_name(name)
        || NAMES.contains(&lower.as_str())
        || ["x-amz-", "x-goog-", "x-ms-", "x_amz_", "x_goog_"]
            .iter()
            .any(|p| lower.starts_with(p))
}

/// gcsfs `token` modes and similar values that name a way to authenticate, not a secret.
pub(super) fn is_mode_value(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(_) => true,
        Value::String(text) => matches!(
            text.as_str(),
            "anon" | "anonymous" | "google_default" | "cloud" | "browser" | "cache" | ""
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_by_word() {
        for name in [
            "key",
            "secret",
            "token",
            "password",
            "credentials",
            "client_secret",
            "account_key",
            "sas_token",
            "accessToken",
            "AWS_SECRET_ACCESS_KEY",
            "connection_string",
            "session_token",
            "apikey",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "keywords",
            "monkey",
            "anon",
            "endpoint_url",
            "consolidated",
            "account_name",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }
}
