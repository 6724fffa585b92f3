//! The header parameters of a request (`X-Twilio-Webhook-Enabled`, `If-Match`,
//! `Flex-Metadata`…): one checked list shared by fetches, listings and writes.

use crate::operation::Operation;

/// The header parameters a request sets, each one of its operation's
/// [`Operation::headers`], and the first one refused (sent back as an error before any
/// request).
#[derive(Clone, Default)]
pub(crate) struct HeaderParams {
    set: Vec<(&'static str, http::HeaderValue)>,
    refused: Option<String>,
}

impl HeaderParams {
    /// Sets header `name` (matched to one of `operation`'s header parameters without regard
    /// to case) to `value`, replacing an earlier value; a header the operation does not take,
    /// or a value that cannot be a header's, is remembered as refused.
    pub(crate) fn set(&mut self, operation: &Operation, name: &str, value: String) {
        let Some(known) = operation
            .headers
            .iter()
            .find(|known| known.eq_ignore_ascii_case(name))
        else {
            self.refuse(format!("takes no header parameter {name}"));
            return;
        };
        match http::HeaderValue::from_str(&value) {
            Ok(value) => {
                self.set.retain(|(n, _)| n != known);
                self.set.push((known, value));
            }
            Err(_) => self.refuse(format!("the value of {known} is not a valid header value")),
        }
    }

    /// Remembers the first refusal.
    pub(crate) fn refuse(&mut self, why: String) {
        self.refused.get_or_insert(why);
    }

    /// The headers set, in the order set.
    pub(crate) fn as_slice(&self) -> &[(&'static str, http::HeaderValue)] {
        &self.set
    }

    /// The headers set, by name.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'static str, &http::HeaderValue)> + '_ {
        self.set.iter().map(|(name, value)| (*name, value))
    }

    /// The names of the headers set (what `Debug` shows: never their values).
    pub(crate) fn names(&self) -> Vec<&'static str> {
        self.set.iter().map(|(name, _)| *name).collect()
    }

    /// The first refusal, as the error a request returns before anything is sent.
    pub(crate) fn check(&self, operation: &Operation) -> Result<(), crate::Error> {
        match &self.refused {
            Some(why) => Err(crate::Error::invalid_input(format!(
                "{}: {why}",
                operation.id
            ))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static FLEX: Operation = Operation::new("FetchPlugin", http::Method::GET, "flex-api", "/v1/x")
        .headers(&["Flex-Metadata"]);

    #[test]
    fn only_the_operations_headers_are_set_and_the_first_refusal_is_kept() {
        let mut headers = HeaderParams::default();
        headers.set(&FLEX, "flex-metadata", "a".to_owned());
        headers.set(&FLEX, "Flex-Metadata", "b".to_owned());
        assert_eq!(headers.names(), ["Flex-Metadata"]);
        assert_eq!(headers.as_slice()[0].1, "b");
        assert!(headers.check(&FLEX).is_ok());
        headers.set(&FLEX, "Authorization", "Basic x".to_owned());
        headers.set(&FLEX, "Flex-Metadata", "bad\nvalue".to_owned());
        let error = headers.check(&FLEX).unwrap_err();
        assert!(error.is_invalid_input());
        assert_eq!(
            error.to_string(),
            "invalid input: FetchPlugin: takes no header parameter Authorization"
        );
    }
}
