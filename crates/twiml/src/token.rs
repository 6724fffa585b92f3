//! Access tokens: the JWTs Twilio's client SDKs (Voice, Video, Conversations, Sync,
//! TaskRouter, Live) authenticate with, signed HS256 with an API key's secret.
//!
//! The token is what the official SDKs make (twilio-python's `AccessToken`, twilio-node's):
//! - header `{"alg":"HS256","cty":"twilio-fpa;v=1","typ":"JWT"}`, plus `"twr"` with the
//!   region when one is set;
//! - claims `jti` (`{API key SID}-{issued at}`), `iss` (the API key SID), `sub` (the account
//!   SID), `iat`, `exp` (`iat` + the time to live, one hour unless set), `nbf` when set, and
//!   `grants`: `identity` and each grant under its key (`voice`, `video`, `chat`,
//!   `data_sync`, `task_router`, `player`).
//!
//! Like the official SDKs, a grant leaves out the fields given as empty strings.
//!
//! ```
//! use twilio_twiml::token::{AccessToken, VideoGrant, VoiceGrant};
//!
//! # fn main() -> Result<(), twilio_twiml::token::TokenError> {
//! let token = AccessToken::new("ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "SKxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "secret".into())?
//!     .identity("alice")
//!     .grant(VoiceGrant::new().outgoing_application_sid("APxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").incoming_allow(true))
//!     .grant(VideoGrant::new().room("daily"));
//! // A fixed issued-at time makes the token deterministic (`to_jwt` uses the system clock).
//! let jwt = token.to_jwt_at(1_700_000_000);
//! assert_eq!(jwt.split('.').count(), 3);
//! assert!(jwt.starts_with("eyJhbGciOiJIUzI1NiIsImN0eSI6InR3aWxpby1mcGE7dj0xIiwidHlwIjoiSldUIn0."));
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit as _, Mac as _};
use secrecy::{ExposeSecret as _, SecretString};
use serde_json::{Map, Value, json};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The time to live of a token unless [`AccessToken::ttl`] says otherwise: one hour, as in
/// the official SDKs. Twilio accepts up to 24 hours.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// Why an [`AccessToken`] cannot be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// The API key's secret is empty.
    #[error("the API key secret is empty")]
    EmptySecret,
    /// The account SID or the API key SID is empty.
    #[error("the {field} is empty")]
    EmptySid {
        /// `account SID` or `API key SID`.
        field: &'static str,
    },
}

/// An access token under construction: its identity, grants and times, and the API key that
/// signs it (kept only as keyed HMAC state, never shown by `Debug`).
#[derive(Clone)]
pub struct AccessToken {
    account_sid: String,
    api_key_sid: String,
    key: HmacSha256,
    identity: Option<String>,
    ttl: Duration,
    not_before: Option<u64>,
    region: Option<String>,
    grants: Vec<Grant>,
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken")
            .field("account_sid", &self.account_sid)
            .field("api_key_sid", &self.api_key_sid)
            .field("api_key_secret", &"[redacted]")
            .field("identity", &self.identity)
            .field("ttl", &self.ttl)
            .field("not_before", &self.not_before)
            .field("region", &self.region)
            .field("grants", &self.grants)
            .finish()
    }
}

impl AccessToken {
    /// A token for `account_sid`, signed with the API key `api_key_sid` and its secret.
    ///
    /// # Errors
    ///
    /// [`TokenError::EmptySecret`] or [`TokenError::EmptySid`].
    pub fn new(
        account_sid: impl Into<String>,
        api_key_sid: impl Into<String>,
        api_key_secret: SecretString,
    ) -> Result<Self, TokenError> {
        let (account_sid, api_key_sid) = (account_sid.into(), api_key_sid.into());
        if account_sid.is_empty() {
            return Err(TokenError::EmptySid {
                field: "account SID",
            });
        }
        if api_key_sid.is_empty() {
            return Err(TokenError::EmptySid {
                field: "API key SID",
            });
        }
        let secret = api_key_secret.expose_secret();
        if secret.is_empty() {
            return Err(TokenError::EmptySecret);
        }
        // HMAC takes keys of any length (longer ones are hashed first, RFC 2104).
        let key =
            HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| TokenError::EmptySecret)?;
        Ok(Self {
            account_sid,
            api_key_sid,
            key,
            identity: None,
            ttl: DEFAULT_TTL,
            not_before: None,
            region: None,
            grants: Vec::new(),
        })
    }

    /// The identity of the user (`grants.identity`); Voice, Chat and Sync need one.
    #[must_use]
    pub fn identity(mut self, identity: impl Into<String>) -> Self {
        self.identity = Some(identity.into());
        self
    }

    /// How long the token is valid after it is issued (whole seconds; [`DEFAULT_TTL`]
    /// unless set).
    #[must_use]
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// The time before which the token is not valid (`nbf`, Unix seconds).
    #[must_use]
    pub fn not_before(mut self, unix_seconds: u64) -> Self {
        self.not_before = Some(unix_seconds);
        self
    }

    /// The region the token is for (`twr` in the header, e.g. `au1`, `ie1`).
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// Adds a grant (a later grant of the same kind replaces an earlier one).
    #[must_use]
    pub fn grant(mut self, grant: impl Into<Grant>) -> Self {
        self.grants.push(grant.into());
        self
    }

    /// The signed token, issued now (the system clock; a clock before 1970 counts as 1970).
    pub fn to_jwt(&self) -> String {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        self.to_jwt_at(now)
    }

    /// The signed token, issued at `issued_at` (Unix seconds): `iat`, `jti` and `exp` follow
    /// from it, so the same inputs give the same token.
    pub fn to_jwt_at(&self, issued_at: u64) -> String {
        let mut header = json!({"alg": "HS256", "cty": "twilio-fpa;v=1", "typ": "JWT"});
        if let (Some(region), Value::Object(header)) = (&self.region, &mut header)
            && !region.is_empty()
        {
            header.insert("twr".to_owned(), Value::from(region.as_str()));
        }
        let mut grants = Map::new();
        for grant in &self.grants {
            grants.insert(grant.key().to_owned(), grant.payload());
        }
        if let Some(identity) = self.identity.as_ref().filter(|i| !i.is_empty()) {
            grants.insert("identity".to_owned(), Value::from(identity.as_str()));
        }
        let mut claims = json!({
            "jti": format!("{}-{issued_at}", self.api_key_sid),
            "iss": self.api_key_sid,
            "sub": self.account_sid,
            "iat": issued_at,
            "exp": issued_at.saturating_add(self.ttl.as_secs()),
            "grants": grants,
        });
        if let (Some(nbf), Value::Object(claims)) = (self.not_before, &mut claims) {
            claims.insert("nbf".to_owned(), Value::from(nbf));
        }
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut mac = self.key.clone();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }
}

/// One grant of an [`AccessToken`]: what the token lets its holder do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Grant {
    /// Programmable Voice (`voice`).
    Voice(VoiceGrant),
    /// Video (`video`).
    Video(VideoGrant),
    /// Conversations and Programmable Chat (`chat`).
    Chat(ChatGrant),
    /// Sync (`data_sync`).
    Sync(SyncGrant),
    /// TaskRouter (`task_router`).
    TaskRouter(TaskRouterGrant),
    /// Live playback (`player`).
    Playback(PlaybackGrant),
}

impl Grant {
    /// The grant's key in the token's `grants` claim.
    pub fn key(&self) -> &'static str {
        match self {
            Self::Voice(_) => "voice",
            Self::Video(_) => "video",
            Self::Chat(_) => "chat",
            Self::Sync(_) => "data_sync",
            Self::TaskRouter(_) => "task_router",
            Self::Playback(_) => "player",
        }
    }

    fn payload(&self) -> Value {
        match self {
            Self::Voice(grant) => grant.payload(),
            Self::Video(grant) => fields(&[("room", &grant.room)]),
            Self::Chat(grant) => fields(&[
                ("service_sid", &grant.service_sid),
                ("endpoint_id", &grant.endpoint_id),
                ("deployment_role_sid", &grant.deployment_role_sid),
                ("push_credential_sid", &grant.push_credential_sid),
            ]),
            Self::Sync(grant) => fields(&[
                ("service_sid", &grant.service_sid),
                ("endpoint_id", &grant.endpoint_id),
            ]),
            Self::TaskRouter(grant) => fields(&[
                ("workspace_sid", &grant.workspace_sid),
                ("worker_sid", &grant.worker_sid),
                ("role", &grant.role),
            ]),
            Self::Playback(grant) => Value::Object(grant.grant.clone()),
        }
    }
}

/// The fields that are set and not empty, as a JSON object.
fn fields(pairs: &[(&str, &Option<String>)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .filter_map(|(name, value)| {
                let value = value.as_deref().filter(|v| !v.is_empty())?;
                Some(((*name).to_owned(), Value::from(value)))
            })
            .collect(),
    )
}

macro_rules! grant_fields {
    ($grant:ident => $variant:ident { $($field:ident: $doc:literal,)* }) => {
        impl $grant {
            /// The grant with nothing set.
            pub fn new() -> Self {
                Self::default()
            }

            $(
                #[doc = $doc]
                #[must_use]
                pub fn $field(mut self, value: impl Into<String>) -> Self {
                    self.$field = Some(value.into());
                    self
                }
            )*
        }

        impl From<$grant> for Grant {
            fn from(grant: $grant) -> Self {
                Grant::$variant(grant)
            }
        }
    };
}

/// The Voice grant: incoming calls to the identity, outgoing calls through a TwiML App.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VoiceGrant {
    incoming_allow: bool,
    outgoing_application_sid: Option<String>,
    outgoing_application_params: Map<String, Value>,
    push_credential_sid: Option<String>,
    endpoint_id: Option<String>,
}

grant_fields!(VoiceGrant => Voice {
    outgoing_application_sid: "The TwiML App that outgoing calls run (`outgoing.application_sid`).",
    push_credential_sid: "The push credential for incoming call notifications (`push_credential_sid`).",
    endpoint_id: "The endpoint (`endpoint_id`).",
});

impl VoiceGrant {
    /// Whether the identity may receive calls (`incoming.allow`).
    #[must_use]
    pub fn incoming_allow(mut self, allow: bool) -> Self {
        self.incoming_allow = allow;
        self
    }

    /// Parameters passed to the outgoing TwiML App (`outgoing.params`; only written with
    /// an [`outgoing_application_sid`](Self::outgoing_application_sid)).
    #[must_use]
    pub fn outgoing_application_params<K: Into<String>, V: Into<String>>(
        mut self,
        params: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        for (name, value) in params {
            self.outgoing_application_params
                .insert(name.into(), Value::String(value.into()));
        }
        self
    }

    fn payload(&self) -> Value {
        let mut grant = Map::new();
        if self.incoming_allow {
            grant.insert("incoming".to_owned(), json!({"allow": true}));
        }
        if let Some(sid) = self
            .outgoing_application_sid
            .as_ref()
            .filter(|s| !s.is_empty())
        {
            let mut outgoing = Map::new();
            outgoing.insert("application_sid".to_owned(), Value::from(sid.as_str()));
            if !self.outgoing_application_params.is_empty() {
                outgoing.insert(
                    "params".to_owned(),
                    Value::Object(self.outgoing_application_params.clone()),
                );
            }
            grant.insert("outgoing".to_owned(), Value::Object(outgoing));
        }
        if let Value::Object(rest) = fields(&[
            ("push_credential_sid", &self.push_credential_sid),
            ("endpoint_id", &self.endpoint_id),
        ]) {
            grant.extend(rest);
        }
        Value::Object(grant)
    }
}

/// The Video grant: joining rooms, or one room.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct VideoGrant {
    room: Option<String>,
}

grant_fields!(VideoGrant => Video {
    room: "The room (its name or SID) the token may join (`room`); any room without it.",
});

/// The Chat grant, for Conversations and Programmable Chat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatGrant {
    service_sid: Option<String>,
    endpoint_id: Option<String>,
    deployment_role_sid: Option<String>,
    push_credential_sid: Option<String>,
}

grant_fields!(ChatGrant => Chat {
    service_sid: "The Conversations or Chat service (`service_sid`).",
    endpoint_id: "The endpoint (`endpoint_id`).",
    deployment_role_sid: "The role (`deployment_role_sid`).",
    push_credential_sid: "The push credential (`push_credential_sid`).",
});

/// The Sync grant.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncGrant {
    service_sid: Option<String>,
    endpoint_id: Option<String>,
}

grant_fields!(SyncGrant => Sync {
    service_sid: "The Sync service (`service_sid`).",
    endpoint_id: "The endpoint (`endpoint_id`).",
});

/// The TaskRouter grant: a worker's or supervisor's access to a workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskRouterGrant {
    workspace_sid: Option<String>,
    worker_sid: Option<String>,
    role: Option<String>,
}

grant_fields!(TaskRouterGrant => TaskRouter {
    workspace_sid: "The workspace (`workspace_sid`).",
    worker_sid: "The worker (`worker_sid`).",
    role: "The role (`role`), e.g. `worker` or `supervisor`.",
});

/// The Playback grant of Twilio Live: the grant object Twilio's PlaybackGrant API returns
/// for a player streamer, passed on as it is (`player`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaybackGrant {
    grant: Map<String, Value>,
}

impl PlaybackGrant {
    /// The grant `grant` (the `grant` member of the API's answer).
    pub fn new(grant: Map<String, Value>) -> Self {
        Self { grant }
    }
}

impl From<PlaybackGrant> for Grant {
    fn from(grant: PlaybackGrant) -> Self {
        Grant::Playback(grant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "AC00000000000000000000000000000000";
    const KEY: &str = "SK00000000000000000000000000000000";

    fn token() -> AccessToken {
        AccessToken::new(ACCOUNT, KEY, "s3cr3t-value".into()).unwrap()
    }

    fn decode(part: &str) -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    fn parts(jwt: &str) -> (Value, Value, String) {
        let mut parts = jwt.split('.');
        let header = decode(parts.next().unwrap());
        let claims = decode(parts.next().unwrap());
        let signature = parts.next().unwrap().to_owned();
        assert!(parts.next().is_none());
        (header, claims, signature)
    }

    #[test]
    fn header_and_claims() {
        let jwt = token()
            .identity("alice")
            .ttl(Duration::from_secs(600))
            .not_before(1_699_999_000)
            .grant(VoiceGrant::new().incoming_allow(true))
            .to_jwt_at(1_700_000_000);
        let (header, claims, _) = parts(&jwt);
        assert_eq!(
            header,
            json!({"alg": "HS256", "cty": "twilio-fpa;v=1", "typ": "JWT"})
        );
        assert_eq!(
            claims,
            json!({
                "jti": format!("{KEY}-1700000000"),
                "iss": KEY,
                "sub": ACCOUNT,
                "iat": 1_700_000_000,
                "exp": 1_700_000_600,
                "nbf": 1_699_999_000,
                "grants": {"identity": "alice", "voice": {"incoming": {"allow": true}}},
            })
        );
    }

    #[test]
    fn the_signature_is_hs256_of_the_first_two_parts() {
        let jwt = token().identity("bob").to_jwt_at(1);
        let (head, signature) = jwt.rsplit_once('.').unwrap();
        let mut mac = HmacSha256::new_from_slice(b"s3cr3t-value").unwrap();
        mac.update(head.as_bytes());
        assert_eq!(
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()),
            signature
        );
        // Another secret, another signature.
        let other = AccessToken::new(ACCOUNT, KEY, "other".into())
            .unwrap()
            .identity("bob")
            .to_jwt_at(1);
        assert_ne!(other.rsplit_once('.').unwrap().1, signature);
        assert_eq!(other.rsplit_once('.').unwrap().0, head);
    }

    #[test]
    fn every_grant_under_its_key() {
        let mut playback = Map::new();
        playback.insert("requestCredentials".to_owned(), Value::Null);
        playback.insert("playbackUrl".to_owned(), json!("https://x.test/p"));
        let jwt = token()
            .grant(
                VoiceGrant::new()
                    .outgoing_application_sid("AP1")
                    .outgoing_application_params([("a", "1")])
                    .push_credential_sid("CR1")
                    .endpoint_id("e"),
            )
            .grant(VideoGrant::new().room("r"))
            .grant(ChatGrant::new().service_sid("IS1").push_credential_sid(""))
            .grant(SyncGrant::new().service_sid("IS2").endpoint_id("e2"))
            .grant(
                TaskRouterGrant::new()
                    .workspace_sid("WS1")
                    .worker_sid("WK1")
                    .role("worker"),
            )
            .grant(PlaybackGrant::new(playback))
            .to_jwt_at(5);
        let (_, claims, _) = parts(&jwt);
        assert_eq!(
            claims["grants"],
            json!({
                "voice": {"outgoing": {"application_sid": "AP1", "params": {"a": "1"}},
                          "push_credential_sid": "CR1", "endpoint_id": "e"},
                "video": {"room": "r"},
                "chat": {"service_sid": "IS1"},
                "data_sync": {"service_sid": "IS2", "endpoint_id": "e2"},
                "task_router": {"workspace_sid": "WS1", "worker_sid": "WK1", "role": "worker"},
                "player": {"requestCredentials": null, "playbackUrl": "https://x.test/p"},
            })
        );
        assert!(claims.get("nbf").is_none());
        assert_eq!(claims["exp"], 3605);
    }

    #[test]
    fn a_region_goes_in_the_header() {
        let (header, _, _) = parts(&token().region("au1").to_jwt_at(1));
        assert_eq!(header["twr"], "au1");
    }

    #[test]
    fn empty_inputs_are_refused_and_debug_hides_the_secret() {
        assert_eq!(
            AccessToken::new(ACCOUNT, KEY, "".into()).unwrap_err(),
            TokenError::EmptySecret
        );
        assert_eq!(
            AccessToken::new("", KEY, "x".into())
                .unwrap_err()
                .to_string(),
            "the account SID is empty"
        );
        let debug = format!("{:?}", token().identity("alice"));
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(
            debug.contains("[redacted]") && debug.contains("alice"),
            "{debug}"
        );
    }

    #[test]
    fn to_jwt_uses_the_clock() {
        let before = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let (_, claims, _) = parts(&token().to_jwt());
        let iat = claims["iat"].as_u64().unwrap();
        assert!(iat >= before && iat <= before + 60, "{iat} {before}");
    }
}
