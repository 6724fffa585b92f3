//! The enumerated values of TwiML attributes, as Twilio documents them. Each enum is
//! `#[non_exhaustive]` and has an `Other(String)` variant for a value Twilio adds before this
//! crate lists it; `From<&str>` gives the listed variant for a listed value.

values! {
    /// The HTTP method Twilio uses for a callback or the next TwiML (`method`, `*Method`).
    Method {
        Get = "GET",
        Post = "POST",
    }
}

values! {
    /// The voice of `<Say>` (`voice`): the basic voices, or a Polly or Google voice through
    /// `Other` (e.g. `Voice::from("Polly.Joanna-Neural")`).
    Voice {
        Man = "man",
        Woman = "woman",
        Alice = "alice",
    }
}

values! {
    /// What `<Gather>` listens for (`input`).
    GatherInput {
        Dtmf = "dtmf",
        Speech = "speech",
    }
}

values! {
    /// The speech recognition model of `<Gather>` (`speechModel`).
    SpeechModel {
        Default = "default",
        NumbersAndCommands = "numbers_and_commands",
        PhoneCall = "phone_call",
        ExperimentalConversations = "experimental_conversations",
        ExperimentalUtterances = "experimental_utterances",
        DeepgramNova2 = "deepgram_nova-2",
    }
}

values! {
    /// Whether and when `<Dial>` records (`record`).
    DialRecord {
        DoNotRecord = "do-not-record",
        RecordFromAnswer = "record-from-answer",
        RecordFromRinging = "record-from-ringing",
        RecordFromAnswerDual = "record-from-answer-dual",
        RecordFromRingingDual = "record-from-ringing-dual",
    }
}

values! {
    /// Whether a recording's leading and trailing silence is trimmed (`trim`).
    Trim {
        TrimSilence = "trim-silence",
        DoNotTrim = "do-not-trim",
    }
}

values! {
    /// The recording status callback events (`recordingStatusCallbackEvent`).
    RecordingEvent {
        InProgress = "in-progress",
        Completed = "completed",
        Absent = "absent",
    }
}

values! {
    /// The track a recording holds (`recordingTrack` of `<Dial>`, `track` of `<Recording>`).
    RecordingTrack {
        Both = "both",
        Inbound = "inbound",
        Outbound = "outbound",
    }
}

values! {
    /// The channels of a `<Start><Recording>` (`channels`).
    RecordingChannels {
        Mono = "mono",
        Dual = "dual",
    }
}

values! {
    /// The ringback tone `<Dial>` plays (`ringTone`): a country's.
    RingTone {
        At = "at", Au = "au", Bg = "bg", Br = "br", Be = "be", Ch = "ch", Cl = "cl", Cn = "cn",
        Cz = "cz", De = "de", Dk = "dk", Ee = "ee", Es = "es", Fi = "fi", Fr = "fr", Gr = "gr",
        Hu = "hu", Il = "il", In = "in", It = "it", Lt = "lt", Jp = "jp", Mx = "mx", My = "my",
        Nl = "nl", No = "no", Nz = "nz", Ph = "ph", Pl = "pl", Pt = "pt", Ru = "ru", Se = "se",
        Sg = "sg", Th = "th", Uk = "uk", Us = "us", UsOld = "us-old", Tw = "tw", Ve = "ve",
        Za = "za",
    }
}

values! {
    /// The call progress events of a dialled `<Number>`, `<Client>`, `<Sip>`, `<Application>`
    /// or `<WhatsApp>` (`statusCallbackEvent`).
    CallProgressEvent {
        Initiated = "initiated",
        Ringing = "ringing",
        Answered = "answered",
        Completed = "completed",
    }
}

values! {
    /// Answering machine detection of a dialled `<Number>` or `<Sip>` (`machineDetection`).
    MachineDetection {
        Enable = "Enable",
        DetectMessageEnd = "DetectMessageEnd",
    }
}

values! {
    /// When a `<Conference>` beeps (`beep`).
    Beep {
        True = "true",
        False = "false",
        OnEnter = "onEnter",
        OnExit = "onExit",
    }
}

values! {
    /// Whether a `<Conference>` is recorded (`record`).
    ConferenceRecord {
        DoNotRecord = "do-not-record",
        RecordFromStart = "record-from-start",
    }
}

values! {
    /// The region a `<Conference>` is mixed in (`region`).
    ConferenceRegion {
        Us1 = "us1",
        Us2 = "us2",
        Ie1 = "ie1",
        Sg1 = "sg1",
        Br1 = "br1",
        Au1 = "au1",
        Jp1 = "jp1",
        De1 = "de1",
    }
}

values! {
    /// The events a `<Conference>` reports (`statusCallbackEvent`).
    ConferenceEvent {
        Start = "start",
        End = "end",
        Join = "join",
        Leave = "leave",
        Mute = "mute",
        Hold = "hold",
        Modify = "modify",
        Speaker = "speaker",
        Announcement = "announcement",
    }
}

values! {
    /// A `<Conference>` participant's jitter buffer (`jitterBufferSize`).
    JitterBufferSize {
        Large = "large",
        Medium = "medium",
        Small = "small",
        Off = "off",
    }
}

values! {
    /// Why `<Reject>` rejects the call (`reason`).
    RejectReason {
        Rejected = "rejected",
        Busy = "busy",
    }
}

values! {
    /// The tracks of a `<Stream>`, `<Siprec>` or `<Transcription>` (`track`).
    StreamTrack {
        InboundTrack = "inbound_track",
        OutboundTrack = "outbound_track",
        BothTracks = "both_tracks",
    }
}

values! {
    /// How `<Pay>` collects input (`input`).
    PayInput {
        Dtmf = "dtmf",
    }
}

values! {
    /// What `<Pay>` charges (`paymentMethod`).
    PaymentMethod {
        AchDebit = "ach-debit",
        CreditCard = "credit-card",
    }
}

values! {
    /// The bank account `<Pay>` debits (`bankAccountType`).
    BankAccountType {
        ConsumerChecking = "consumer-checking",
        ConsumerSavings = "consumer-savings",
        CommercialChecking = "commercial-checking",
    }
}

values! {
    /// The token `<Pay>` asks for (`tokenType`).
    TokenType {
        OneTime = "one-time",
        Reusable = "reusable",
        PaymentMethod = "payment-method",
    }
}

values! {
    /// A card brand (`validCardTypes` of `<Pay>`, `cardType` of `<Prompt>`).
    CardType {
        Visa = "visa",
        Mastercard = "mastercard",
        Amex = "amex",
        Maestro = "maestro",
        Discover = "discover",
        Optima = "optima",
        Jcb = "jcb",
        DinersClub = "diners-club",
        Enroute = "enroute",
    }
}

values! {
    /// The step of `<Pay>` a `<Prompt>` replaces the prompt of (`for`).
    PromptFor {
        PaymentCardNumber = "payment-card-number",
        ExpirationDate = "expiration-date",
        SecurityCode = "security-code",
        PostalCode = "postal-code",
        PaymentProcessing = "payment-processing",
        BankAccountNumber = "bank-account-number",
        BankRoutingNumber = "bank-routing-number",
    }
}

values! {
    /// The errors a `<Prompt>` is for (`errorType`).
    PromptErrorType {
        Timeout = "timeout",
        InvalidCardNumber = "invalid-card-number",
        InvalidCardType = "invalid-card-type",
        InvalidDate = "invalid-date",
        InvalidSecurityCode = "invalid-security-code",
        InternalError = "internal-error",
        InputMatchingFailed = "input-matching-failed",
    }
}

values! {
    /// The strength of an SSML `<break>` (`strength`).
    BreakStrength {
        None = "none",
        XWeak = "x-weak",
        Weak = "weak",
        Medium = "medium",
        Strong = "strong",
        XStrong = "x-strong",
    }
}

values! {
    /// The level of an SSML `<emphasis>` (`level`).
    EmphasisLevel {
        Strong = "strong",
        Moderate = "moderate",
        Reduced = "reduced",
    }
}

values! {
    /// The phonetic alphabet of an SSML `<phoneme>` (`alphabet`).
    PhonemeAlphabet {
        Ipa = "ipa",
        XSampa = "x-sampa",
        XAmazonJyutping = "x-amazon-jyutping",
        XAmazonPinyin = "x-amazon-pinyin",
        XAmazonPronKana = "x-amazon-pron-kana",
        XAmazonYomigana = "x-amazon-yomigana",
    }
}

values! {
    /// How an SSML `<say-as>` reads its words (`interpret-as`).
    InterpretAs {
        Characters = "characters",
        SpellOut = "spell-out",
        Cardinal = "cardinal",
        Number = "number",
        Ordinal = "ordinal",
        Digits = "digits",
        Fraction = "fraction",
        Unit = "unit",
        Date = "date",
        Time = "time",
        Address = "address",
        Expletive = "expletive",
        Telephone = "telephone",
    }
}

values! {
    /// The date format of an SSML `<say-as interpret-as="date">` (`format`).
    SayAsFormat {
        Mdy = "mdy",
        Dmy = "dmy",
        Ymd = "ymd",
        Md = "md",
        Dm = "dm",
        Ym = "ym",
        My = "my",
        D = "d",
        M = "m",
        Y = "y",
        Yyyymmdd = "yyyymmdd",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listed_values_parse_to_their_variant_and_others_are_kept() {
        assert_eq!(Method::from("POST"), Method::Post);
        assert_eq!(RingTone::from("us-old"), RingTone::UsOld);
        assert_eq!(
            Voice::from("Polly.Joanna"),
            Voice::Other("Polly.Joanna".to_owned())
        );
        assert_eq!(
            Voice::Other("Polly.Joanna".to_owned()).as_str(),
            "Polly.Joanna"
        );
        assert_eq!(Beep::OnEnter.to_string(), "onEnter");
    }
}
