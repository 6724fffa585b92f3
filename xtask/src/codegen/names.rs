//! Names: what the generator cannot read from the spec (the Rust name of each SID kind) and
//! the rules that turn spec names into Rust ones.

/// A SID kind: the Rust type that validates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SidKind {
    /// The Rust type, e.g. `RecordingSid`.
    pub(crate) rust: &'static str,
    /// The prefix, e.g. `RE` (`SM` for messages, which also accept `MM`).
    pub(crate) prefix: &'static str,
}

/// Every SID prefix of the spec: its Rust type, its human name, and whether the model writes
/// it by hand (`AccountSid`, `CallSid`, `ApiKeySid`, and `MessageSid`, whose pattern has two
/// prefixes). A prefix missing here stops the generator: name it, then regenerate.
pub(crate) const SID_KINDS: &[(&str, &str, &str, bool)] = &[
    ("AC", "AccountSid", "account", true),
    ("AD", "AddressSid", "address", false),
    (
        "AL",
        "IpAccessControlListSid",
        "IP access control list",
        false,
    ),
    ("AP", "ApplicationSid", "application", false),
    ("BU", "BundleSid", "regulatory bundle", false),
    ("BY", "ByocTrunkSid", "BYOC trunk", false),
    ("CA", "CallSid", "call", true),
    ("CF", "ConferenceSid", "conference", false),
    ("CL", "CredentialListSid", "credential list", false),
    ("CN", "ConnectAppSid", "connect app", false),
    ("CR", "CredentialSid", "SIP credential", false),
    ("GP", "CallGroupSid", "call group", false),
    ("HX", "ContentSid", "content template", false),
    (
        "GT",
        "RealtimeTranscriptionSid",
        "real-time transcription",
        false,
    ),
    ("IP", "IpAddressSid", "IP address", false),
    ("KX", "UserDefinedMessageSid", "user-defined message", false),
    ("ME", "MediaSid", "media", false),
    ("MG", "MessagingServiceSid", "messaging service", false),
    ("MZ", "StreamSid", "stream", false),
    ("NO", "NotificationSid", "notification", false),
    ("PK", "PaymentSid", "payment", false),
    ("PN", "PhoneNumberSid", "phone number", false),
    ("QU", "QueueSid", "queue", false),
    ("RE", "RecordingSid", "recording", false),
    ("RI", "IdentitySid", "identity", false),
    ("SC", "ShortCodeSid", "short code", false),
    ("SD", "SipDomainSid", "SIP domain", false),
    ("SK", "ApiKeySid", "API key", true),
    ("SM", "MessageSid", "message", true),
    ("SR", "SiprecSid", "SIPREC", false),
    ("TK", "TrunkSid", "trunk", false),
    ("TR", "TranscriptionSid", "transcription", false),
    ("UT", "UsageTriggerSid", "usage trigger", false),
    ("XB", "AddOnSid", "add-on", false),
    ("XE", "AssignedAddOnSid", "assigned add-on", false),
    (
        "XF",
        "AssignedAddOnExtensionSid",
        "assigned add-on extension",
        false,
    ),
    (
        "XH",
        "AddOnResultPayloadSid",
        "add-on result payload",
        false,
    ),
    ("XR", "AddOnResultSid", "add-on result", false),
    (
        "ZY",
        "UserDefinedMessageSubscriptionSid",
        "user-defined message subscription",
        false,
    ),
];

/// The SID kind a spec pattern (`^RE[0-9a-fA-F]{32}$`) describes.
pub(crate) fn sid_kind(pattern: &str) -> Result<SidKind, String> {
    let prefix = if pattern == "^(SM|MM)[0-9a-fA-F]{32}$" {
        "SM"
    } else {
        pattern
            .strip_prefix('^')
            .and_then(|p| p.strip_suffix("[0-9a-fA-F]{32}$"))
            .filter(|p| p.len() == 2 && p.bytes().all(|b| b.is_ascii_uppercase()))
            .ok_or_else(|| format!("pattern {pattern:?} is not a SID pattern"))?
    };
    SID_KINDS
        .iter()
        .find(|(p, ..)| *p == prefix)
        .map(|(prefix, rust, ..)| SidKind { rust, prefix })
        .ok_or_else(|| {
            format!(
                "SID prefix {prefix} has no name: add it to SID_KINDS in xtask/src/codegen/names.rs"
            )
        })
}

/// `call_recording` / `in-progress` / `DialVerb` / `StartTime>` → `CallRecording`,
/// `InProgress`, `DialVerb`, `StartTimeAfter`.
pub(crate) fn pascal(name: &str) -> String {
    let name = name.replace('<', "_before").replace('>', "_after");
    let mut out = String::new();
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    out
}

/// `StartTime>` / `IncomingPhoneNumbers` / `SMS` / `AssignedAddOnSid` → `start_time_after`,
/// `incoming_phone_numbers`, `sms`, `assigned_add_on_sid`.
pub(crate) fn snake(name: &str) -> String {
    let name = name.replace('<', "_before").replace('>', "_after");
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
            let next = chars.get(i + 1).copied();
            let boundary = match prev {
                Some(p) if p.is_ascii_lowercase() || p.is_ascii_digit() => true,
                Some(p) if p.is_ascii_uppercase() => next.is_some_and(|n| n.is_ascii_lowercase()),
                _ => false,
            };
            if boundary && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_owned()
}

/// `start_time_after` → `start-time-after`.
pub(crate) fn kebab(name: &str) -> String {
    snake(name).replace('_', "-")
}

/// A field or method name that is a Rust keyword gets the raw form.
pub(crate) fn ident(name: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
        "enum", "extern", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro",
        "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "static",
        "struct", "super", "trait", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual",
        "where", "while", "yield",
    ];
    if KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// The item type of a schema: the last part of its component name, e.g.
/// `api.v2010.account.call.call_recording` → `CallRecording`.
pub(crate) fn item_type(schema: &str) -> String {
    pascal(schema.rsplit('.').next().unwrap_or(schema))
}

/// The enum type of an enum component: `call_enum_status` → `CallStatus`.
pub(crate) fn enum_type(component: &str) -> String {
    pascal(&component.replace("_enum_", "_"))
}

/// A collection's segment in singular, for its instances: `Calls` → `Call`, `Addresses` →
/// `Address`, `Media` → `Media`, `Members` → `Member`.
pub(crate) fn singular(segment: &str) -> String {
    if let Some(stem) = segment.strip_suffix("sses") {
        format!("{stem}ss")
    } else if let Some(stem) = segment.strip_suffix("ies") {
        format!("{stem}y")
    } else if let Some(stem) = segment.strip_suffix('s') {
        stem.to_owned()
    } else {
        segment.to_owned()
    }
}

/// Turns a spec description into doc-comment lines.
pub(crate) fn doc(text: &str) -> String {
    let mut out = String::new();
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            out.push_str("///\n");
        } else {
            out.push_str("/// ");
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The Rust name of a path: its static segments after the account, each instance segment
/// in singular, e.g. `Calls/{CallSid}/Recordings` → `CallRecordings`, `SIP/Domains` →
/// `SipDomains`, `Calls/{Sid}` → `Call`, `Balance` → `Balance`.
pub(crate) fn path_name(segments: &[crate::codegen::spec::Segment]) -> String {
    use crate::codegen::spec::Segment;
    let scoped = account_scoped(segments);
    let mut out = String::new();
    for (i, segment) in scoped.iter().enumerate() {
        if let Segment::Static(name) = segment {
            let word = pascal(&snake(name));
            let instance = matches!(scoped.get(i + 1), Some(Segment::Param(_)));
            out.push_str(&match instance {
                // `Media/{Sid}`: one media item of the `Media` collection.
                true if singular(&word) == word => format!("{word}Item"),
                true => singular(&word),
                false => word,
            });
        }
    }
    out
}

/// The segments after `Accounts/{AccountSid}`, or all of them for the accounts themselves.
pub(crate) fn account_scoped(
    segments: &[crate::codegen::spec::Segment],
) -> &[crate::codegen::spec::Segment] {
    use crate::codegen::spec::Segment;
    match segments {
        [Segment::Static(a), Segment::Param(_), rest @ ..]
            if a == "Accounts" && !rest.is_empty() =>
        {
            rest
        }
        all => all,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_conversions() {
        assert_eq!(snake("StartTime>"), "start_time_after");
        assert_eq!(snake("StartTime<"), "start_time_before");
        assert_eq!(snake("IncomingPhoneNumbers"), "incoming_phone_numbers");
        assert_eq!(snake("SMS"), "sms");
        assert_eq!(snake("SIP"), "sip");
        assert_eq!(snake("AssignedAddOnSid"), "assigned_add_on_sid");
        assert_eq!(
            snake("IpAccessControlListMappings"),
            "ip_access_control_list_mappings"
        );
        assert_eq!(kebab("CredentialListMappings"), "credential-list-mappings");
        assert_eq!(kebab("AvailablePhoneNumbers"), "available-phone-numbers");
        assert_eq!(pascal("in-progress"), "InProgress");
        assert_eq!(pascal("call_recording"), "CallRecording");
        assert_eq!(pascal("StartTime>"), "StartTimeAfter");
        assert_eq!(enum_type("call_enum_status"), "CallStatus");
        assert_eq!(
            item_type("api.v2010.account.call.call_recording"),
            "CallRecording"
        );
        assert_eq!(singular("Addresses"), "Address");
        assert_eq!(singular("IpAddresses"), "IpAddress");
        assert_eq!(singular("Calls"), "Call");
        assert_eq!(singular("Media"), "Media");
        assert_eq!(ident("type"), "r#type");
    }

    #[test]
    fn sid_kinds() {
        assert_eq!(
            sid_kind("^RE[0-9a-fA-F]{32}$").unwrap().rust,
            "RecordingSid"
        );
        assert_eq!(
            sid_kind("^(SM|MM)[0-9a-fA-F]{32}$").unwrap().rust,
            "MessageSid"
        );
        assert!(sid_kind("^QQ[0-9a-fA-F]{32}$").is_err());
        assert!(sid_kind("^.*$").is_err());
    }
}
