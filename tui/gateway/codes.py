"""The gateway's codes: appendices A-G of the API document, plus codes seen in use.

Error codes of appendices A and E form one table (the document splits them, the
gateway does not). Status codes become enums whose ``label`` is the document's
wording and whose ``is_final`` says whether tracking can stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

# Paths and command names ----------------------------------------------------

API_PREFIX = "/corporate_sms2/api/"
DEFAULT_BASE_URL = "https://telenorcsms.com.pk:27677"


@dataclass(frozen=True, slots=True)
class Command:
    """One API command: its page (``sendsms.jsp``) and the name it echoes."""

    page: str
    name: str
    #: Whether a failure after the request went out may have taken effect
    #: (and so must never be retried automatically).
    submits: bool
    #: What to do when such a failure leaves the outcome unknown.
    if_unknown: str = "Check before sending it again."

    @property
    def path(self) -> str:
        return API_PREFIX + self.page


AUTH = Command("auth.jsp", "Auth_request", submits=False)
SEND_SMS = Command("sendsms.jsp", "Submit_SM", submits=True)
QUERY_MESSAGE = Command("querymsg.jsp", "Message_query", submits=False)
CREATE_LIST = Command(
    "list.jsp",
    "Create_MLIST",
    submits=True,
    if_unknown="Check the portal's lists before creating it again.",
)
ADD_CONTACTS = Command(
    "addcontacts.jsp",
    "add_to_LIST",
    submits=True,
    if_unknown="Check the list before adding these numbers again.",
)
CREATE_CAMPAIGN = Command(
    "campaign.jsp",
    "Create_CAMP",
    submits=True,
    if_unknown="Check the portal's campaigns before creating it again.",
)
CAMPAIGN_STATUS = Command("campstatus.jsp", "Camp_Status", submits=False)
PING = Command("ping.jsp", "Ping_request", submits=False)
MAKE_CALL = Command("makecall.jsp", "Submit_CALL", submits=True)
QUERY_CALL = Command("querycall.jsp", "Query_Call", submits=False)
INCOMING_INFO = Command("incoming_sms_info.jsp", "retrieve_incoming_sms_info", submits=False)
PENDING_ACTION = Command(
    "pending_unpaid_sms_action.jsp",
    "pending_unpaid_sms_action",
    submits=True,
    if_unknown="Check the messages waiting to be paid for before paying or discarding again.",
)
GET_INCOMING = Command(
    "get_incoming_messages.jsp",
    "get_incoming_messages",
    submits=True,
    if_unknown="The messages it handed out may be lost; csms reports them as a possible loss.",
)
AUDIO_UPLOAD = Command(
    "audio_upload.jsp",
    "Audio_File_Upload",
    submits=True,
    if_unknown="Check the portal's audio files before uploading it again.",
)
AUDIO_STATUS = Command("audio_status.jsp", "Audio_File_Status", submits=False)
VOICE_BROADCAST = Command(
    "voice_broadcast_campaign.jsp", "Create_Voice_Broadcast_CAMP", submits=True
)
VOICE_FEEDBACK = Command("voice_feedback_campaign.jsp", "Create_Voice_Feedback_CAMP", submits=True)
VOICE_DYNAMIC = Command("voice_dynamic_campaign.jsp", "Create_Voice_Dynamic_CAMP", submits=True)
VOICE_CAMPAIGN_STATUS = Command("voice_campaign_status.jsp", "Voice_Camp_Status", submits=False)
FEEDBACK_CALL = Command("make_feedback_call.jsp", "Create Feedback Quick Call", submits=True)

COMMANDS: tuple[Command, ...] = (
    AUTH,
    SEND_SMS,
    QUERY_MESSAGE,
    CREATE_LIST,
    ADD_CONTACTS,
    CREATE_CAMPAIGN,
    CAMPAIGN_STATUS,
    PING,
    MAKE_CALL,
    QUERY_CALL,
    INCOMING_INFO,
    PENDING_ACTION,
    GET_INCOMING,
    AUDIO_UPLOAD,
    AUDIO_STATUS,
    VOICE_BROADCAST,
    VOICE_FEEDBACK,
    VOICE_DYNAMIC,
    VOICE_CAMPAIGN_STATUS,
    FEEDBACK_CALL,
)
COMMANDS_BY_PAGE: dict[str, Command] = {c.page: c for c in COMMANDS}

# Error codes (appendices A and E, and codes seen in use) ------------------------


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    code: int
    meaning: str
    advice: str


def _e(code: int, meaning: str, advice: str) -> tuple[int, ErrorInfo]:
    return code, ErrorInfo(code, meaning, advice)


ERRORS: dict[int, ErrorInfo] = dict(
    [
        _e(100, "Out of credit.", "Recharge the account, then try again."),
        _e(101, "Field or input parameter missing.", "Fill in every required field."),
        _e(
            102,
            "Invalid session ID or the session has expired.",
            "Log in again (csms does this by itself once).",
        ),
        _e(103, "Invalid mask.", "Choose one of the masks registered to the account."),
        _e(104, "Invalid operator ID.", "Use 1 Telenor, 2 Jazz, 3 Zong, 4 Warid or 5 Ufone."),
        _e(
            200,
            "Failed login: username and password do not match.",
            "Check the MSISDN or sub-user name and the password.",
        ),
        _e(
            201,
            "Unknown MSISDN, please check the format (92345xxxxxxx).",
            "Correct the number to the 923XXXXXXXXX form.",
        ),
        _e(203, "SMS operation not allowed.", "Ask the account owner to enable SMS."),
        _e(204, "Sub-user permission not allowed.", "Ask the account owner for this permission."),
        _e(211, "Unknown message ID.", "Check the ID; only IDs the gateway returned are known."),
        _e(300, "Account has been blocked or suspended.", "Contact Telenor support."),
        _e(
            301,
            "Incoming SMS feature is not available for this user.",
            "Ask Telenor to enable incoming SMS on the account.",
        ),
        _e(302, "Invalid action value.", "Use 1 to pay and fetch, 2 to discard."),
        _e(303, "The date entered is not valid.", "Give the date as YYYY-MM-DD."),
        _e(
            304,
            "API throughput limit reached.",
            "Wait a moment; csms retries with backoff.",
        ),
        _e(
            305,
            "Too many recipients in one request for the allowed throughput.",
            "Send fewer recipients per request.",
        ),
        _e(400, "Duplicate list name.", "Choose a name not used by another list."),
        _e(401, "List name is missing.", "Give the list a name."),
        _e(402, "Invalid list name.", "Use a plain name for the list."),
        _e(411, "Invalid MSISDN in the list.", "Remove or correct the invalid numbers."),
        _e(412, "List ID is missing.", "Choose a list."),
        _e(413, "No MSISDNs in the list.", "Add numbers to the list first."),
        _e(414, "List could not be updated (unknown error).", "Try again later."),
        _e(415, "Invalid list ID.", "Choose a list the gateway knows."),
        _e(500, "Duplicate campaign name.", "Choose a name not used by another campaign."),
        _e(501, "Campaign name is missing.", "Give the campaign a name."),
        _e(502, "SMS text is missing.", "Write the message text."),
        _e(
            503,
            "No list selected or one of the list IDs is invalid.",
            "Choose lists the gateway knows.",
        ),
        _e(504, "Invalid schedule time for campaign.", "Give a future time."),
        _e(505, "Invalid schedule time.", "Give a future time as YYYY-MM-DD HH:MM:SS."),
        _e(
            506,
            "Cannot send message at the specified time.",
            "Choose a different time.",
        ),
        _e(507, "Campaign could not be saved (unknown error).", "Try again later."),
        _e(508, "Invalid start time for voice campaign.", "Give the daily start time as HH:MM."),
        _e(509, "Invalid end time for voice campaign.", "Give the daily end time as HH:MM."),
        _e(510, "Invalid end date in campaign.", "Give an end date after the start date."),
        _e(511, "Invalid campaign name.", "Use a plain name for the campaign."),
        _e(
            512,
            "SMS text for the voice campaign is longer than allowed.",
            "Shorten the fallback SMS text.",
        ),
        _e(600, "Campaign ID is missing.", "Give the campaign ID."),
        _e(601, "Invalid campaign ID for voice campaign.", "Check the voice campaign ID."),
        _e(602, "Filename missing for audio upload.", "Give the recording a name."),
        _e(603, "Audio file name already exists.", "Choose another name for the recording."),
        _e(604, "File not uploaded.", "Choose a file to upload."),
        _e(605, "Audio file larger than the size allowed.", "Keep the WAV at or under 5 MB."),
        _e(606, "Invalid file encoding.", "Convert to PCM 16-bit (csms audio convert)."),
        _e(607, "Invalid number of audio channels.", "Convert to mono (csms audio convert)."),
        _e(608, "Invalid audio sample rate.", "Convert to 8000 Hz (csms audio convert)."),
        _e(609, "Invalid audio bit rate.", "Convert to 16-bit (csms audio convert)."),
        _e(610, "File not uploaded (unknown error).", "Try the upload again."),
        _e(611, "Invalid file extension.", "Upload a .wav file."),
        _e(612, "Invalid recording name.", "Use a plain name for the recording."),
        _e(700, "File ID is missing.", "Choose an audio file."),
        _e(701, "File not available or not ready.", "Wait until the audio file is Ready."),
        _e(702, "Invalid value for max retries.", "Use 0, 1 or 2 retries."),
        _e(703, "Invalid call ID.", "Check the call ID."),
        _e(704, "Invalid mask for IVR.", "Choose a mask enabled for calls."),
        _e(705, "DTMF valid options missing or invalid.", "Give valid options from 0 to 9."),
        _e(
            706,
            "File for the valid feedback option is not available or not ready.",
            "Choose a ready audio file.",
        ),
        _e(
            707,
            "File for the invalid feedback option is not available or not ready.",
            "Choose a ready audio file.",
        ),
        _e(708, "Dynamic campaign language missing or invalid.", "Choose English or Urdu."),
        _e(709, "Dynamic campaign pronunciation missing or invalid.", "Choose money or numbers."),
        _e(710, "Dynamic campaign voice gender missing or invalid.", "Choose male or female."),
        _e(
            711,
            "Ending recording for the dynamic campaign is not available or not ready.",
            "Choose a ready audio file.",
        ),
        _e(712, "Invalid audio file ID.", "Choose an uploaded audio file."),
        _e(713, "Audio file not ready.", "Wait until the audio file is Ready."),
    ]
)

#: Codes after which the request was refused before doing anything and may be
#: repeated after a pause (throughput control).
THROTTLE_CODES = frozenset({304, 305})
SESSION_EXPIRED = 102


def describe_error(code: int) -> ErrorInfo:
    """The table entry for ``code``; an unknown code still gets a clear entry."""
    info = ERRORS.get(code)
    if info is not None:
        return info
    return ErrorInfo(
        code,
        f"Unknown gateway error code {code}.",
        "The gateway gave a code this version of csms does not know; "
        "check the account on the web portal.",
    )


# Statuses (appendices B, C, D, F, G) ------------------------------------------


class _Status(IntEnum):
    @property
    def label(self) -> str:
        return _LABELS[type(self).__name__][int(self)]


class MessageStatus(_Status):
    """Appendix B."""

    NOT_SENT = 0
    SENT = 1

    @property
    def is_final(self) -> bool:
        return self is MessageStatus.SENT


class CallStatus(_Status):
    """Appendix C."""

    SCHEDULED = 0
    SENT = 1
    BUSY = 2
    NOT_RESPONDING = 3
    NOT_ANSWERING = 4

    @property
    def is_final(self) -> bool:
        """Sent is final; the failures are final once retries are exhausted,
        which only the caller knows (see ``engine``)."""
        return self is CallStatus.SENT


class Operator(_Status):
    """Appendix D."""

    TELENOR = 1
    JAZZ = 2
    ZONG = 3
    WARID = 4
    UFONE = 5


class AudioStatus(_Status):
    """Appendix F."""

    NOT_READY = 0
    READY = 1

    @property
    def is_final(self) -> bool:
        return self is AudioStatus.READY


class VoiceCampaignStatus(_Status):
    """Appendix G (5, 6 and 7 all mean Configuring)."""

    UNAPPROVED = 0
    SCHEDULED = 1
    TESTING = 2
    SENT_TO_SOME = 3
    SENT = 4
    CONFIGURING = 5
    CONFIGURING_6 = 6
    CONFIGURING_7 = 7
    SENDING = 8
    PENDING_APPROVAL = 10
    REJECTED = 12
    UNKNOWN = 13
    EXPIRED = 14

    @property
    def is_final(self) -> bool:
        return self in (
            VoiceCampaignStatus.SENT,
            VoiceCampaignStatus.REJECTED,
            VoiceCampaignStatus.EXPIRED,
        )


_LABELS: dict[str, dict[int, str]] = {
    # Status 0 is a message on its way (the document calls it "Not Sent").
    "MessageStatus": {0: "Not sent yet", 1: "Sent"},
    "CallStatus": {
        0: "Call Scheduled",
        1: "Call Sent",
        2: "Recipient Busy",
        3: "Not Responding",
        4: "Not Answering",
    },
    "Operator": {1: "Telenor", 2: "Jazz", 3: "Zong", 4: "Warid", 5: "Ufone"},
    "AudioStatus": {0: "Not Ready", 1: "Ready"},
    "VoiceCampaignStatus": {
        0: "Unapproved",
        1: "Scheduled",
        2: "Testing",
        3: "Sent to some users",
        4: "Sent",
        5: "Configuring",
        6: "Configuring",
        7: "Configuring",
        8: "Sending",
        10: "Pending moderator approval",
        12: "Rejected by moderator",
        13: "Unknown",
        14: "Expired",
    },
}


class PendingAction(IntEnum):
    """Action values of pending_unpaid_sms_action."""

    PAY = 1
    DISCARD = 2


class DynamicLanguage(IntEnum):
    ENGLISH = 1
    URDU = 2


class DynamicDigits(IntEnum):
    MONEY = 1
    NUMBERS = 2


class DynamicVoice(IntEnum):
    MALE = 1
    FEMALE = 2


# Formats and limits ------------------------------------------------------------

#: Schedule timestamps are sent in the spaced form (see the errata).
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DAILY_TIME_FORMAT = "%H:%M"
INCOMING_DATE_FORMAT = "%Y-%m-%d"
MAX_RETRIES = 2
AUDIO_MAX_BYTES = 5 * 1024 * 1024
AUDIO_SAMPLE_RATE = 8000
SESSION_LIFETIME_SECONDS = 30 * 60
#: The document names error 512 without a number; one SMS (160 GSM-7 units)
#: is the limit used by the simulator and checked by csms before sending.
VOICE_SMS_MAX_UNITS = 160
