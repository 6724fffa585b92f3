//! Messaging TwiML: `<Response>` with `<Message>` and `<Redirect>`, as
//! <https://www.twilio.com/docs/messaging/twiml> documents them.

use std::fmt;
use std::io;

use crate::values::Method;
use crate::voice::Redirect;
use crate::xml::Element;

/// A Messaging TwiML document: the replies to an incoming message.
///
/// ```
/// use twilio_twiml::{Message, MessagingResponse};
///
/// let twiml = MessagingResponse::new()
///     .message(Message::empty().body("Here is the map").media("https://example.com/map.png"));
/// assert_eq!(
///     twiml.to_xml(),
///     r#"<?xml version="1.0" encoding="UTF-8"?><Response><Message><Body>Here is the map</Body><Media>https://example.com/map.png</Media></Message></Response>"#
/// );
/// assert_eq!(
///     MessagingResponse::new().message("Tom & Jerry <3").to_string(),
///     r#"<?xml version="1.0" encoding="UTF-8"?><Response><Message>Tom &amp; Jerry &lt;3</Message></Response>"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagingResponse {
    el: Element,
}

impl MessagingResponse {
    /// An empty `<Response>` (no reply).
    pub fn new() -> Self {
        Self {
            el: Element::new("Response"),
        }
    }

    /// The document: `<?xml version="1.0" encoding="UTF-8"?><Response>…</Response>`, as the
    /// official SDKs write it.
    pub fn to_xml(&self) -> String {
        self.el.to_document()
    }

    /// Writes [`to_xml`](Self::to_xml)'s document to `out`.
    ///
    /// # Errors
    ///
    /// The error `out` returns.
    pub fn write_to(&self, out: impl io::Write) -> io::Result<()> {
        self.el.write_document(out)
    }
}

impl Default for MessagingResponse {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for MessagingResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_xml())
    }
}

children!(MessagingResponse {
    message: Message,
    redirect: Redirect,
});

element! {
    /// `<Message>`: a reply. Its body is its text ([`Message::new`]), or, with media, a
    /// [`Body`] and [`Media`] children ([`Message::empty`]).
    Message = "Message"
}

impl Message {
    /// `<Message>body</Message>`.
    pub fn new(body: impl Into<String>) -> Self {
        Self::with_text(body)
    }

    /// `<Message />`, for [`Body`] and [`Media`].
    pub fn empty() -> Self {
        Self::bare()
    }
}

impl From<&str> for Message {
    fn from(body: &str) -> Self {
        Self::new(body)
    }
}

impl From<String> for Message {
    fn from(body: String) -> Self {
        Self::new(body)
    }
}

attributes!(Message {
    to: text = "to";
    /// The sender (`from`).
    from_: text = "from";
    action: text = "action";
    method: one(Method) = "method";
    status_callback: text = "statusCallback";
});

children!(Message {
    body: Body,
    media: Media,
});

element! {
    /// `<Body>` in `<Message>`: its text.
    Body = "Body"
}

impl Body {
    /// `<Body>` of `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self::with_text(message)
    }
}

impl From<&str> for Body {
    fn from(message: &str) -> Self {
        Self::new(message)
    }
}

impl From<String> for Body {
    fn from(message: String) -> Self {
        Self::new(message)
    }
}

element! {
    /// `<Media>` in `<Message>`: the URL of an image or file to send (up to ten).
    Media = "Media"
}

impl Media {
    /// `<Media>` of `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_text(url)
    }
}

impl From<&str> for Media {
    fn from(url: &str) -> Self {
        Self::new(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_attributes_and_redirect() {
        let twiml = MessagingResponse::new()
            .message(
                Message::new("hi")
                    .to("+15550001111")
                    .from_("+15552223333")
                    .status_callback("/status")
                    .method(Method::Post),
            )
            .redirect(Redirect::new("/next"));
        assert_eq!(
            twiml.to_xml(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Message from=\"+15552223333\" \
             method=\"POST\" statusCallback=\"/status\" to=\"+15550001111\">hi</Message>\
             <Redirect>/next</Redirect></Response>"
        );
    }
}
