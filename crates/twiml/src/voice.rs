//! Voice TwiML: `<Response>` and its verbs, the nouns of `<Dial>`, `<Connect>`, `<Start>`,
//! `<Stop>`, `<Pay>` and `<Refer>`, as <https://www.twilio.com/docs/voice/twiml> documents them.

use std::fmt;
use std::io;

use crate::ssml::{Break, Emphasis, Lang, Paragraph, Phoneme, Prosody, SayAs, Sentence, Sub, Word};
use crate::values::{
    BankAccountType, Beep, CallProgressEvent, CardType, ConferenceEvent, ConferenceRecord,
    ConferenceRegion, DialRecord, GatherInput, JitterBufferSize, MachineDetection, Method,
    PayInput, PaymentMethod, PromptErrorType, PromptFor, RecordingChannels, RecordingEvent,
    RecordingTrack, RejectReason, RingTone, SpeechModel, StreamTrack, TokenType, Trim, Voice,
};
use crate::xml::Element;

/// A Voice TwiML document: `<Response>` and the verbs Twilio runs in order.
///
/// ```
/// use twilio_twiml::{Gather, GatherInput, Say, Voice, VoiceResponse};
///
/// let twiml = VoiceResponse::new()
///     .say(Say::new("Hello").voice(Voice::Alice))
///     .gather(Gather::new().input([GatherInput::Speech]).action("/next").say("Press 1"));
/// assert_eq!(
///     twiml.to_xml(),
///     r#"<?xml version="1.0" encoding="UTF-8"?><Response><Say voice="alice">Hello</Say><Gather action="/next" input="speech"><Say>Press 1</Say></Gather></Response>"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoiceResponse {
    el: Element,
}

impl VoiceResponse {
    /// An empty `<Response>` (Twilio hangs up after the last verb).
    pub fn new() -> Self {
        Self {
            el: Element::new("Response"),
        }
    }

    /// The document: `<?xml version="1.0" encoding="UTF-8"?><Response>…</Response>`, as the
    /// official SDKs write it (attributes sorted by name, no indentation).
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

impl Default for VoiceResponse {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Display for VoiceResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_xml())
    }
}

children!(VoiceResponse {
    connect: Connect,
    dial: Dial,
    echo: Echo,
    enqueue: Enqueue,
    gather: Gather,
    hangup: Hangup,
    leave: Leave,
    pause: Pause,
    pay: Pay,
    play: Play,
    record: Record,
    redirect: Redirect,
    refer: Refer,
    reject: Reject,
    say: Say,
    start: Start,
    stop: Stop,
});

// ---- Say, Play, Pause --------------------------------------------------------------------

element! {
    /// `<Say>`: reads text aloud, with SSML inside ([`crate::ssml`]).
    ///
    /// ```
    /// use twilio_twiml::ssml::{Break, Prosody};
    /// use twilio_twiml::{Say, Voice, VoiceResponse};
    ///
    /// let say = Say::new("Hello")
    ///     .voice(Voice::from("Polly.Joanna"))
    ///     .break_(Break::new().time("1s"))
    ///     .prosody(Prosody::new("slowly").rate("slow"));
    /// assert!(VoiceResponse::new().say(say).to_xml().ends_with(
    ///     r#"<Say voice="Polly.Joanna">Hello<break time="1s" /><prosody rate="slow">slowly</prosody></Say></Response>"#
    /// ));
    /// ```
    Say = "Say"
}

impl Say {
    /// `<Say>` of `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self::with_text(message)
    }
}

impl From<&str> for Say {
    fn from(message: &str) -> Self {
        Self::new(message)
    }
}

impl From<String> for Say {
    fn from(message: String) -> Self {
        Self::new(message)
    }
}

attributes!(Say {
    voice: one(Voice) = "voice";
    /// How many times to say it (0: until the call ends).
    loops: number = "loop";
    language: text = "language";
});

children!(Say {
    break_: Break,
    emphasis: Emphasis,
    lang: Lang,
    p: Paragraph,
    phoneme: Phoneme,
    prosody: Prosody,
    s: Sentence,
    say_as: SayAs,
    sub: Sub,
    w: Word,
});

mixed_text!(Say);

element! {
    /// `<Play>`: plays an audio file, or DTMF tones with [`digits`](Self::digits).
    Play = "Play"
}

impl Play {
    /// `<Play>` of the audio at `url` (an empty `url` writes no content: for
    /// [`digits`](Self::digits) alone).
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_text(url)
    }
}

impl From<&str> for Play {
    fn from(url: &str) -> Self {
        Self::new(url)
    }
}

attributes!(Play {
    /// How many times to play it (0: until the call ends).
    loops: number = "loop";
    digits: text = "digits";
});

element! {
    /// `<Pause>`: silence, one second unless [`length`](Self::length) says otherwise.
    Pause = "Pause"
}

impl Pause {
    /// `<Pause />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Pause {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Pause {
    /// Seconds.
    length: number = "length";
});

// ---- Gather ------------------------------------------------------------------------------

element! {
    /// `<Gather>`: collects digits or speech; holds only [`Say`], [`Play`] and [`Pause`].
    Gather = "Gather"
}

impl Gather {
    /// `<Gather />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Gather {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Gather {
    input: many(GatherInput) = "input";
    action: text = "action";
    method: one(Method) = "method";
    /// Seconds.
    timeout: number = "timeout";
    /// Seconds, or `auto`.
    speech_timeout: text = "speechTimeout";
    max_speech_time: number = "maxSpeechTime";
    profanity_filter: flag = "profanityFilter";
    finish_on_key: text = "finishOnKey";
    num_digits: number = "numDigits";
    partial_result_callback: text = "partialResultCallback";
    partial_result_callback_method: one(Method) = "partialResultCallbackMethod";
    language: text = "language";
    hints: text = "hints";
    barge_in: flag = "bargeIn";
    debug: flag = "debug";
    action_on_empty_result: flag = "actionOnEmptyResult";
    speech_model: one(SpeechModel) = "speechModel";
    enhanced: flag = "enhanced";
});

children!(Gather {
    say: Say,
    play: Play,
    pause: Pause,
});

// ---- Dial and its nouns ------------------------------------------------------------------

element! {
    /// `<Dial>`: connects the call to another party; holds nouns only ([`Number`],
    /// [`Client`], [`Sip`], [`Conference`], [`Queue`], [`Sim`], [`Application`],
    /// [`WhatsApp`]), or a number as text ([`Dial::to`]).
    ///
    /// ```
    /// use twilio_twiml::{Dial, Number, VoiceResponse};
    ///
    /// let dial = Dial::new().caller_id("+15550001111").number(Number::new("+15552223333").send_digits("ww1"));
    /// assert!(VoiceResponse::new().dial(dial).to_xml().contains(
    ///     r#"<Dial callerId="+15550001111"><Number sendDigits="ww1">+15552223333</Number></Dial>"#
    /// ));
    /// ```
    Dial = "Dial"
}

impl Dial {
    /// `<Dial />`, for nouns.
    pub fn new() -> Self {
        Self::bare()
    }

    /// `<Dial>number</Dial>`: a phone number as text.
    pub fn to(number: impl Into<String>) -> Self {
        Self::with_text(number)
    }
}

impl Default for Dial {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Dial {
    action: text = "action";
    method: one(Method) = "method";
    /// Seconds.
    timeout: number = "timeout";
    hangup_on_star: flag = "hangupOnStar";
    /// Seconds.
    time_limit: number = "timeLimit";
    caller_id: text = "callerId";
    record: one(DialRecord) = "record";
    trim: one(Trim) = "trim";
    recording_status_callback: text = "recordingStatusCallback";
    recording_configuration_id: text = "recordingConfigurationId";
    recording_status_callback_method: one(Method) = "recordingStatusCallbackMethod";
    recording_status_callback_event: many(RecordingEvent) = "recordingStatusCallbackEvent";
    answer_on_bridge: flag = "answerOnBridge";
    ring_tone: one(RingTone) = "ringTone";
    recording_track: one(RecordingTrack) = "recordingTrack";
    sequential: flag = "sequential";
    refer_url: text = "referUrl";
    refer_method: one(Method) = "referMethod";
    events: text = "events";
    passports: text = "passports";
});

children!(Dial {
    application: Application,
    client: Client,
    conference: Conference,
    number: Number,
    queue: Queue,
    sim: Sim,
    sip: Sip,
    whats_app: WhatsApp,
});

element! {
    /// `<Number>` in `<Dial>`: a phone number.
    Number = "Number"
}

impl Number {
    /// `<Number>` of `phone_number` (E.164).
    pub fn new(phone_number: impl Into<String>) -> Self {
        Self::with_text(phone_number)
    }
}

impl From<&str> for Number {
    fn from(phone_number: &str) -> Self {
        Self::new(phone_number)
    }
}

attributes!(Number {
    send_digits: text = "sendDigits";
    url: text = "url";
    method: one(Method) = "method";
    status_callback_event: many(CallProgressEvent) = "statusCallbackEvent";
    status_callback: text = "statusCallback";
    status_callback_method: one(Method) = "statusCallbackMethod";
    byoc: text = "byoc";
    machine_detection: one(MachineDetection) = "machineDetection";
    amd_status_callback_method: one(Method) = "amdStatusCallbackMethod";
    amd_status_callback: text = "amdStatusCallback";
    machine_detection_timeout: number = "machineDetectionTimeout";
    machine_detection_speech_threshold: number = "machineDetectionSpeechThreshold";
    machine_detection_speech_end_threshold: number = "machineDetectionSpeechEndThreshold";
    machine_detection_silence_timeout: number = "machineDetectionSilenceTimeout";
});

element! {
    /// `<Client>` in `<Dial>`: a Voice SDK client. Its identity is its text
    /// ([`Client::new`]), or, to pass [`Parameter`]s, an [`Identity`] child
    /// ([`Client::empty`]).
    Client = "Client"
}

impl Client {
    /// `<Client>identity</Client>`.
    pub fn new(identity: impl Into<String>) -> Self {
        Self::with_text(identity)
    }

    /// `<Client />`, for an [`Identity`] and [`Parameter`]s.
    pub fn empty() -> Self {
        Self::bare()
    }
}

attributes!(Client {
    url: text = "url";
    method: one(Method) = "method";
    status_callback_event: many(CallProgressEvent) = "statusCallbackEvent";
    status_callback: text = "statusCallback";
    status_callback_method: one(Method) = "statusCallbackMethod";
});

children!(Client {
    identity: Identity,
    parameter: Parameter,
});

element! {
    /// `<Identity>` in `<Client>`.
    Identity = "Identity"
}

impl Identity {
    /// `<Identity>` of `identity`.
    pub fn new(identity: impl Into<String>) -> Self {
        Self::with_text(identity)
    }
}

impl From<&str> for Identity {
    fn from(identity: &str) -> Self {
        Self::new(identity)
    }
}

element! {
    /// `<Sip>` in `<Dial>`: a SIP URI.
    Sip = "Sip"
}

impl Sip {
    /// `<Sip>` of `sip_url` (`sip:…`).
    pub fn new(sip_url: impl Into<String>) -> Self {
        Self::with_text(sip_url)
    }
}

attributes!(Sip {
    username: text = "username";
    password: text = "password";
    url: text = "url";
    method: one(Method) = "method";
    status_callback_event: many(CallProgressEvent) = "statusCallbackEvent";
    status_callback: text = "statusCallback";
    status_callback_method: one(Method) = "statusCallbackMethod";
    machine_detection: one(MachineDetection) = "machineDetection";
    amd_status_callback_method: one(Method) = "amdStatusCallbackMethod";
    amd_status_callback: text = "amdStatusCallback";
    machine_detection_timeout: number = "machineDetectionTimeout";
    machine_detection_speech_threshold: number = "machineDetectionSpeechThreshold";
    machine_detection_speech_end_threshold: number = "machineDetectionSpeechEndThreshold";
    machine_detection_silence_timeout: number = "machineDetectionSilenceTimeout";
});

children!(Sip {
    uri: SipUri,
    headers: Headers,
});

element! {
    /// `<Uri>` in `<Sip>`: one more URI to try.
    SipUri = "Uri"
}

impl SipUri {
    /// `<Uri>` of `sip_url`.
    pub fn new(sip_url: impl Into<String>) -> Self {
        Self::with_text(sip_url)
    }
}

attributes!(SipUri {
    priority: number = "priority";
    weight: number = "weight";
    username: text = "username";
    password: text = "password";
});

element! {
    /// `<Headers>` in `<Sip>`: custom SIP headers.
    Headers = "Headers"
}

impl Headers {
    /// `<Headers />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Headers {
    fn default() -> Self {
        Self::new()
    }
}

children!(Headers { header: Header });

element! {
    /// `<Header>` in `<Headers>`.
    Header = "Header"
}

impl Header {
    /// `<Header name="…" value="…" />`.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self::bare().name(name).value(value)
    }
}

attributes!(Header {
    name: text = "name";
    value: text = "value";
});

element! {
    /// `<Conference>` in `<Dial>`: a named conference room.
    Conference = "Conference"
}

impl Conference {
    /// `<Conference>` named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self::with_text(name)
    }
}

attributes!(Conference {
    muted: flag = "muted";
    beep: one(Beep) = "beep";
    start_conference_on_enter: flag = "startConferenceOnEnter";
    end_conference_on_exit: flag = "endConferenceOnExit";
    wait_url: text = "waitUrl";
    wait_method: one(Method) = "waitMethod";
    max_participants: number = "maxParticipants";
    record: one(ConferenceRecord) = "record";
    recording_configuration_id: text = "recordingConfigurationId";
    region: one(ConferenceRegion) = "region";
    /// The SID of the call to coach.
    coach: text = "coach";
    trim: one(Trim) = "trim";
    status_callback_event: many(ConferenceEvent) = "statusCallbackEvent";
    status_callback: text = "statusCallback";
    status_callback_method: one(Method) = "statusCallbackMethod";
    recording_status_callback: text = "recordingStatusCallback";
    recording_status_callback_method: one(Method) = "recordingStatusCallbackMethod";
    recording_status_callback_event: many(RecordingEvent) = "recordingStatusCallbackEvent";
    event_callback_url: text = "eventCallbackUrl";
    jitter_buffer_size: one(JitterBufferSize) = "jitterBufferSize";
    participant_label: text = "participantLabel";
});

element! {
    /// `<Queue>` in `<Dial>`: the first caller waiting in a queue.
    Queue = "Queue"
}

impl Queue {
    /// `<Queue>` named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self::with_text(name)
    }
}

attributes!(Queue {
    url: text = "url";
    method: one(Method) = "method";
    reservation_sid: text = "reservationSid";
    post_work_activity_sid: text = "postWorkActivitySid";
});

element! {
    /// `<Sim>` in `<Dial>`: a Programmable Wireless SIM.
    Sim = "Sim"
}

impl Sim {
    /// `<Sim>` of `sim_sid`.
    pub fn new(sim_sid: impl Into<String>) -> Self {
        Self::with_text(sim_sid)
    }
}

element! {
    /// `<Application>` in `<Dial>`: a TwiML App. Its SID is its text ([`Application::new`]),
    /// or, to pass [`Parameter`]s, an [`ApplicationSid`] child ([`Application::empty`]).
    Application = "Application"
}

impl Application {
    /// `<Application>sid</Application>`.
    pub fn new(application_sid: impl Into<String>) -> Self {
        Self::with_text(application_sid)
    }

    /// `<Application />`, for an [`ApplicationSid`] and [`Parameter`]s.
    pub fn empty() -> Self {
        Self::bare()
    }
}

attributes!(Application {
    url: text = "url";
    method: one(Method) = "method";
    status_callback_event: many(CallProgressEvent) = "statusCallbackEvent";
    status_callback: text = "statusCallback";
    status_callback_method: one(Method) = "statusCallbackMethod";
    customer_id: text = "customerId";
    copy_parent_to: flag = "copyParentTo";
});

children!(Application {
    application_sid: ApplicationSid,
    parameter: Parameter,
});

element! {
    /// `<ApplicationSid>` in `<Application>`.
    ApplicationSid = "ApplicationSid"
}

impl ApplicationSid {
    /// `<ApplicationSid>` of `sid`.
    pub fn new(sid: impl Into<String>) -> Self {
        Self::with_text(sid)
    }
}

impl From<&str> for ApplicationSid {
    fn from(sid: &str) -> Self {
        Self::new(sid)
    }
}

element! {
    /// `<WhatsApp>` in `<Dial>`: a WhatsApp user.
    WhatsApp = "WhatsApp"
}

impl WhatsApp {
    /// `<WhatsApp>` of `phone_number`.
    pub fn new(phone_number: impl Into<String>) -> Self {
        Self::with_text(phone_number)
    }
}

attributes!(WhatsApp {
    url: text = "url";
    method: one(Method) = "method";
    status_callback_event: many(CallProgressEvent) = "statusCallbackEvent";
    status_callback: text = "statusCallback";
    status_callback_method: one(Method) = "statusCallbackMethod";
});

element! {
    /// `<Parameter>`: a custom parameter passed on (in `<Client>`, `<Application>`,
    /// `<Stream>`, `<Siprec>`, `<Transcription>`, `<VirtualAgent>`, `<ConversationRelay>`,
    /// `<Pay>`, `<Hangup>`, `<Reject>`).
    Parameter = "Parameter"
}

impl Parameter {
    /// `<Parameter name="…" value="…" />`.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self::bare().name(name).value(value)
    }
}

attributes!(Parameter {
    name: text = "name";
    value: text = "value";
});

// ---- Record, Redirect, Reject, Hangup, Enqueue, Leave, Echo -------------------------------

element! {
    /// `<Record>`: records the caller.
    Record = "Record"
}

impl Record {
    /// `<Record />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Record {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Record {
    action: text = "action";
    method: one(Method) = "method";
    /// Seconds of silence that end the recording.
    timeout: number = "timeout";
    finish_on_key: text = "finishOnKey";
    /// Seconds.
    max_length: number = "maxLength";
    play_beep: flag = "playBeep";
    trim: one(Trim) = "trim";
    recording_status_callback: text = "recordingStatusCallback";
    recording_status_callback_method: one(Method) = "recordingStatusCallbackMethod";
    recording_status_callback_event: many(RecordingEvent) = "recordingStatusCallbackEvent";
    transcribe: flag = "transcribe";
    transcribe_callback: text = "transcribeCallback";
    recording_configuration_id: text = "recordingConfigurationId";
});

element! {
    /// `<Redirect>`: continues with the TwiML at a URL (Voice and Messaging).
    Redirect = "Redirect"
}

impl Redirect {
    /// `<Redirect>` to `url`.
    pub fn new(url: impl Into<String>) -> Self {
        Self::with_text(url)
    }
}

impl From<&str> for Redirect {
    fn from(url: &str) -> Self {
        Self::new(url)
    }
}

attributes!(Redirect {
    method: one(Method) = "method";
});

element! {
    /// `<Reject>`: rejects the call without answering (no charge).
    Reject = "Reject"
}

impl Reject {
    /// `<Reject />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Reject {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Reject {
    reason: one(RejectReason) = "reason";
});

children!(Reject {
    parameter: Parameter,
});

element! {
    /// `<Hangup>`: ends the call.
    Hangup = "Hangup"
}

impl Hangup {
    /// `<Hangup />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Hangup {
    fn default() -> Self {
        Self::new()
    }
}

children!(Hangup {
    parameter: Parameter,
});

element! {
    /// `<Enqueue>`: puts the caller in a queue (or a TaskRouter task, with [`Task`]).
    Enqueue = "Enqueue"
}

impl Enqueue {
    /// `<Enqueue>` into the queue `name` (empty: none, for a [`Task`] with a workflow).
    pub fn new(name: impl Into<String>) -> Self {
        Self::with_text(name)
    }
}

attributes!(Enqueue {
    action: text = "action";
    max_queue_size: number = "maxQueueSize";
    method: one(Method) = "method";
    wait_url: text = "waitUrl";
    wait_url_method: one(Method) = "waitUrlMethod";
    workflow_sid: text = "workflowSid";
});

children!(Enqueue { task: Task });

element! {
    /// `<Task>` in `<Enqueue>`: the task's attributes, a JSON object as text.
    Task = "Task"
}

impl Task {
    /// `<Task>` of `body` (JSON).
    pub fn new(body: impl Into<String>) -> Self {
        Self::with_text(body)
    }
}

attributes!(Task {
    priority: number = "priority";
    /// Seconds.
    timeout: number = "timeout";
});

element! {
    /// `<Leave>`: takes the caller out of its queue.
    Leave = "Leave"
}

impl Leave {
    /// `<Leave />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Leave {
    fn default() -> Self {
        Self::new()
    }
}

element! {
    /// `<Echo>`: plays the caller's audio back to it (for testing).
    Echo = "Echo"
}

impl Echo {
    /// `<Echo />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Echo {
    fn default() -> Self {
        Self::new()
    }
}

// ---- Connect -----------------------------------------------------------------------------

element! {
    /// `<Connect>`: connects the call to a room, a stream, an agent or a conversation.
    Connect = "Connect"
}

impl Connect {
    /// `<Connect />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Connect {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Connect {
    action: text = "action";
    method: one(Method) = "method";
});

children!(Connect {
    ai_session: AiSession,
    autopilot: Autopilot,
    conversation: Conversation,
    conversation_relay: ConversationRelay,
    conversation_relay_session: ConversationRelaySession,
    room: Room,
    stream: Stream,
    virtual_agent: VirtualAgent,
});

element! {
    /// `<Room>` in `<Connect>`: a Video room.
    Room = "Room"
}

impl Room {
    /// `<Room>` named `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self::with_text(name)
    }
}

attributes!(Room {
    participant_identity: text = "participantIdentity";
});

element! {
    /// `<Autopilot>` in `<Connect>`: an Autopilot assistant (retired by Twilio; kept for
    /// existing flows).
    Autopilot = "Autopilot"
}

impl Autopilot {
    /// `<Autopilot>` of the assistant `name` (its SID or unique name).
    pub fn new(name: impl Into<String>) -> Self {
        Self::with_text(name)
    }
}

element! {
    /// `<Stream>` in `<Connect>` (bidirectional), `<Start>` or `<Stop>`: a media stream to a
    /// WebSocket.
    Stream = "Stream"
}

impl Stream {
    /// `<Stream />` (set [`url`](Self::url), or [`name`](Self::name) to stop one).
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Stream {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Stream {
    name: text = "name";
    connector_name: text = "connectorName";
    url: text = "url";
    track: one(StreamTrack) = "track";
    status_callback: text = "statusCallback";
    status_callback_method: one(Method) = "statusCallbackMethod";
    audio_format: text = "audioFormat";
    sample_rate: text = "sampleRate";
});

children!(Stream {
    parameter: Parameter,
});

element! {
    /// `<VirtualAgent>` in `<Connect>`: a Dialogflow CX agent.
    VirtualAgent = "VirtualAgent"
}

impl VirtualAgent {
    /// `<VirtualAgent />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for VirtualAgent {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(VirtualAgent {
    connector_name: text = "connectorName";
    language: text = "language";
    sentiment_analysis: flag = "sentimentAnalysis";
    status_callback: text = "statusCallback";
    status_callback_method: one(Method) = "statusCallbackMethod";
});

children!(VirtualAgent {
    config: Config,
    parameter: Parameter,
});

element! {
    /// `<Config>` in `<VirtualAgent>` or `<Transcription>`.
    Config = "Config"
}

impl Config {
    /// `<Config name="…" value="…" />`.
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self::bare().name(name).value(value)
    }
}

attributes!(Config {
    name: text = "name";
    value: text = "value";
});

element! {
    /// `<Conversation>` in `<Connect>`: a Conversations voice conversation.
    Conversation = "Conversation"
}

impl Conversation {
    /// `<Conversation />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Conversation {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Conversation {
    service_instance_sid: text = "serviceInstanceSid";
    inbound_autocreation: flag = "inboundAutocreation";
    routing_assignment_timeout: number = "routingAssignmentTimeout";
    inbound_timeout: number = "inboundTimeout";
    url: text = "url";
    method: one(Method) = "method";
    record: flag = "record";
    trim: one(Trim) = "trim";
    recording_status_callback: text = "recordingStatusCallback";
    recording_status_callback_method: one(Method) = "recordingStatusCallbackMethod";
    recording_status_callback_event: many(RecordingEvent) = "recordingStatusCallbackEvent";
    status_callback: text = "statusCallback";
    status_callback_method: one(Method) = "statusCallbackMethod";
    /// Space-separated: `call-initiated`, `call-ringing`, `call-answered`, `call-completed`.
    status_callback_event: text = "statusCallbackEvent";
});

element! {
    /// `<ConversationRelay>` in `<Connect>`: speech to and from an AI application over a
    /// WebSocket.
    ConversationRelay = "ConversationRelay"
}

impl ConversationRelay {
    /// `<ConversationRelay />` (set [`url`](Self::url)).
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for ConversationRelay {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(ConversationRelay {
    url: text = "url";
    language: text = "language";
    tts_language: text = "ttsLanguage";
    transcription_language: text = "transcriptionLanguage";
    tts_provider: text = "ttsProvider";
    voice: text = "voice";
    transcription_provider: text = "transcriptionProvider";
    speech_model: text = "speechModel";
    profanity_filter: flag = "profanityFilter";
    dtmf_detection: flag = "dtmfDetection";
    welcome_greeting: text = "welcomeGreeting";
    partial_prompts: flag = "partialPrompts";
    welcome_greeting_interruptible: text = "welcomeGreetingInterruptible";
    interruptible: text = "interruptible";
    preemptible: flag = "preemptible";
    hints: text = "hints";
    intelligence_service: text = "intelligenceService";
    report_input_during_agent_speech: text = "reportInputDuringAgentSpeech";
    elevenlabs_text_normalization: text = "elevenlabsTextNormalization";
    interrupt_sensitivity: text = "interruptSensitivity";
    debug: text = "debug";
    background_noise_reduction: text = "backgroundNoiseReduction";
    speech_timeout: text = "speechTimeout";
    deepgram_smart_format: text = "deepgramSmartFormat";
    ignore_backchannel: text = "ignoreBackchannel";
    events: text = "events";
    partial_prompt_on_hangup: text = "partialPromptOnHangup";
    eager_eot_threshold: text = "eagerEotThreshold";
    asr_smart_format: text = "asrSmartFormat";
    tts_text_normalization: text = "ttsTextNormalization";
    tts_language_text_normalization: text = "ttsLanguageTextNormalization";
    elevenlabs_language_text_normalization: text = "elevenlabsLanguageTextNormalization";
    include_in_prompt: text = "includeInPrompt";
    customer_name: text = "customerName";
    application_reconnect: text = "applicationReconnect";
    echo_prompt_filtering: text = "echoPromptFiltering";
    turn_detection: text = "turnDetection";
});

children!(ConversationRelay {
    language_config: Language,
    parameter: Parameter,
});

element! {
    /// `<Language>` in `<ConversationRelay>`: the settings of one language.
    Language = "Language"
}

impl Language {
    /// `<Language code="…" />`.
    pub fn new(code: impl Into<String>) -> Self {
        Self::bare().code(code)
    }
}

attributes!(Language {
    code: text = "code";
    tts_provider: text = "ttsProvider";
    voice: text = "voice";
    transcription_provider: text = "transcriptionProvider";
    speech_model: text = "speechModel";
    hints: text = "hints";
    asr_smart_format: text = "asrSmartFormat";
    tts_text_normalization: text = "ttsTextNormalization";
    tts_language_text_normalization: text = "ttsLanguageTextNormalization";
});

element! {
    /// `<AiSession>` in `<Connect>`.
    AiSession = "AiSession"
}

impl AiSession {
    /// `<AiSession />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for AiSession {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(AiSession {
    ai_connector: text = "aiConnector";
    ai_session_configuration: text = "aiSessionConfiguration";
});

element! {
    /// `<ConversationRelaySession>` in `<Connect>`.
    ConversationRelaySession = "ConversationRelaySession"
}

impl ConversationRelaySession {
    /// `<ConversationRelaySession />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for ConversationRelaySession {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(ConversationRelaySession {
    connector: text = "connector";
    session_configuration: text = "sessionConfiguration";
});

// ---- Start, Stop -------------------------------------------------------------------------

element! {
    /// `<Start>`: starts something that runs alongside the call ([`Stream`], [`Siprec`],
    /// [`Transcription`], [`Recording`]).
    Start = "Start"
}

impl Start {
    /// `<Start />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Start {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Start {
    action: text = "action";
    method: one(Method) = "method";
});

children!(Start {
    recording: Recording,
    siprec: Siprec,
    stream: Stream,
    transcription: Transcription,
});

element! {
    /// `<Stop>`: stops what a `<Start>` started, by name.
    Stop = "Stop"
}

impl Stop {
    /// `<Stop />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Stop {
    fn default() -> Self {
        Self::new()
    }
}

children!(Stop {
    siprec: Siprec,
    stream: Stream,
    transcription: Transcription,
});

element! {
    /// `<Siprec>` in `<Start>` or `<Stop>`: a SIPREC session to a recorder.
    Siprec = "Siprec"
}

impl Siprec {
    /// `<Siprec />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Siprec {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Siprec {
    name: text = "name";
    connector_name: text = "connectorName";
    track: one(StreamTrack) = "track";
    status_callback: text = "statusCallback";
    status_callback_method: one(Method) = "statusCallbackMethod";
});

children!(Siprec {
    parameter: Parameter,
});

element! {
    /// `<Transcription>` in `<Start>` or `<Stop>`: real-time transcription.
    Transcription = "Transcription"
}

impl Transcription {
    /// `<Transcription />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Transcription {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Transcription {
    name: text = "name";
    track: one(StreamTrack) = "track";
    status_callback_url: text = "statusCallbackUrl";
    status_callback_method: one(Method) = "statusCallbackMethod";
    inbound_track_label: text = "inboundTrackLabel";
    outbound_track_label: text = "outboundTrackLabel";
    partial_results: flag = "partialResults";
    language_code: text = "languageCode";
    transcription_engine: text = "transcriptionEngine";
    profanity_filter: flag = "profanityFilter";
    speech_model: text = "speechModel";
    hints: text = "hints";
    enable_automatic_punctuation: flag = "enableAutomaticPunctuation";
    intelligence_service: text = "intelligenceService";
});

children!(Transcription {
    config: Config,
    parameter: Parameter,
});

element! {
    /// `<Recording>` in `<Start>`: records the call in the background.
    Recording = "Recording"
}

impl Recording {
    /// `<Recording />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Recording {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Recording {
    recording_status_callback: text = "recordingStatusCallback";
    recording_status_callback_method: one(Method) = "recordingStatusCallbackMethod";
    recording_status_callback_event: many(RecordingEvent) = "recordingStatusCallbackEvent";
    trim: one(Trim) = "trim";
    track: one(RecordingTrack) = "track";
    channels: one(RecordingChannels) = "channels";
    recording_configuration_id: text = "recordingConfigurationId";
});

// ---- Pay, Prompt -------------------------------------------------------------------------

element! {
    /// `<Pay>`: collects a payment over the phone (PCI mode), with [`Prompt`]s of its own.
    Pay = "Pay"
}

impl Pay {
    /// `<Pay />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Pay {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Pay {
    input: one(PayInput) = "input";
    action: text = "action";
    bank_account_type: one(BankAccountType) = "bankAccountType";
    status_callback: text = "statusCallback";
    status_callback_method: one(Method) = "statusCallbackMethod";
    /// Seconds.
    timeout: number = "timeout";
    max_attempts: number = "maxAttempts";
    security_code: flag = "securityCode";
    /// `true`, `false`, or the postal code itself.
    postal_code: text = "postalCode";
    min_postal_code_length: number = "minPostalCodeLength";
    payment_connector: text = "paymentConnector";
    payment_method: one(PaymentMethod) = "paymentMethod";
    token_type: one(TokenType) = "tokenType";
    /// A decimal amount, as text (`"10.00"`).
    charge_amount: text = "chargeAmount";
    currency: text = "currency";
    description: text = "description";
    valid_card_types: many(CardType) = "validCardTypes";
    language: text = "language";
});

children!(Pay {
    parameter: Parameter,
    prompt: Prompt,
});

element! {
    /// `<Prompt>` in `<Pay>`: what to say at one step; holds [`Say`], [`Play`] and [`Pause`].
    Prompt = "Prompt"
}

impl Prompt {
    /// `<Prompt />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Prompt {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Prompt {
    for_: one(PromptFor) = "for";
    error_type: many(PromptErrorType) = "errorType";
    card_type: many(CardType) = "cardType";
    attempt: numbers = "attempt";
    require_matching_inputs: flag = "requireMatchingInputs";
});

children!(Prompt {
    say: Say,
    play: Play,
    pause: Pause,
});

// ---- Refer -------------------------------------------------------------------------------

element! {
    /// `<Refer>`: a SIP REFER, transferring a SIP call ([`ReferSip`]).
    Refer = "Refer"
}

impl Refer {
    /// `<Refer />`.
    pub fn new() -> Self {
        Self::bare()
    }
}

impl Default for Refer {
    fn default() -> Self {
        Self::new()
    }
}

attributes!(Refer {
    action: text = "action";
    method: one(Method) = "method";
});

children!(Refer { sip: ReferSip });

element! {
    /// `<Sip>` in `<Refer>`: where to transfer to.
    ReferSip = "Sip"
}

impl ReferSip {
    /// `<Sip>` of `sip_url`.
    pub fn new(sip_url: impl Into<String>) -> Self {
        Self::with_text(sip_url)
    }
}

impl From<&str> for ReferSip {
    fn from(sip_url: &str) -> Self {
        Self::new(sip_url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::values::CardType;

    const DECL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

    fn body(response: &VoiceResponse) -> String {
        let xml = response.to_xml();
        xml.strip_prefix(DECL).unwrap_or(&xml).to_owned()
    }

    #[test]
    fn an_empty_response() {
        assert_eq!(VoiceResponse::new().to_xml(), format!("{DECL}<Response />"));
        assert_eq!(
            VoiceResponse::default().to_string(),
            VoiceResponse::new().to_xml()
        );
    }

    #[test]
    fn verbs_keep_their_order_and_attributes_are_sorted() {
        let response = VoiceResponse::new()
            .say(
                Say::new("Hi")
                    .loops(2)
                    .language("en-GB")
                    .voice(Voice::Woman),
            )
            .pause(Pause::new().length(3))
            .play(Play::new("https://x.test/a.mp3").loops(0))
            .hangup(Hangup::new());
        assert_eq!(
            body(&response),
            "<Response><Say language=\"en-GB\" loop=\"2\" voice=\"woman\">Hi</Say>\
             <Pause length=\"3\" /><Play loop=\"0\">https://x.test/a.mp3</Play><Hangup /></Response>"
        );
    }

    #[test]
    fn booleans_and_lists() {
        let gather = Gather::new()
            .input([GatherInput::Dtmf, GatherInput::Speech])
            .barge_in(false)
            .profanity_filter(true)
            .num_digits(4);
        assert_eq!(
            body(&VoiceResponse::new().gather(gather)),
            "<Response><Gather bargeIn=\"false\" input=\"dtmf speech\" numDigits=\"4\" \
             profanityFilter=\"true\" /></Response>"
        );
    }

    #[test]
    fn an_attribute_set_twice_keeps_the_last_value() {
        let say = Say::new("x").voice(Voice::Man).voice(Voice::Alice);
        assert_eq!(
            body(&VoiceResponse::new().say(say)),
            "<Response><Say voice=\"alice\">x</Say></Response>"
        );
    }

    #[test]
    fn dial_nouns() {
        let dial = Dial::new()
            .record(DialRecord::RecordFromAnswerDual)
            .client(
                Client::empty()
                    .identity("alice")
                    .parameter(Parameter::new("k", "v")),
            )
            .conference(Conference::new("Room 1").beep(Beep::OnEnter))
            .queue(Queue::new("support"))
            .sip(Sip::new("sip:a@b.test").username("u"));
        assert_eq!(
            body(&VoiceResponse::new().dial(dial)),
            "<Response><Dial record=\"record-from-answer-dual\"><Client><Identity>alice</Identity>\
             <Parameter name=\"k\" value=\"v\" /></Client><Conference beep=\"onEnter\">Room 1</Conference>\
             <Queue>support</Queue><Sip username=\"u\">sip:a@b.test</Sip></Dial></Response>"
        );
    }

    #[test]
    fn pay_with_prompts() {
        let pay = Pay::new()
            .charge_amount("10.00")
            .valid_card_types([CardType::Visa, CardType::Amex])
            .prompt(
                Prompt::new()
                    .for_(PromptFor::PaymentCardNumber)
                    .attempt([1, 2])
                    .say("Card number?"),
            );
        assert_eq!(
            body(&VoiceResponse::new().pay(pay)),
            "<Response><Pay chargeAmount=\"10.00\" validCardTypes=\"visa amex\">\
             <Prompt attempt=\"1 2\" for=\"payment-card-number\"><Say>Card number?</Say></Prompt>\
             </Pay></Response>"
        );
    }

    #[test]
    fn write_to_writes_what_to_xml_returns() {
        let response =
            VoiceResponse::new().redirect(Redirect::new("/a?b=1&c=2").method(Method::Get));
        let mut out = Vec::new();
        response.write_to(&mut out).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), response.to_xml());
        assert!(
            response
                .to_xml()
                .contains("<Redirect method=\"GET\">/a?b=1&amp;c=2</Redirect>")
        );
    }
}
