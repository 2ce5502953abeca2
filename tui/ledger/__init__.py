"""What the app remembers: one SQLite ledger file per profile (see ``Ledger``)."""

from tui.ledger.audiofiles import AudioFile
from tui.ledger.calls import CallRecord, NewCall
from tui.ledger.campaigns import RecipientStatus, SmsCampaign
from tui.ledger.errors import LedgerError
from tui.ledger.imports import ImportBatch, ImportSummary
from tui.ledger.inbox import InboxMessage, QuarantineEntry, RawReply
from tui.ledger.intents import SubmitIntent
from tui.ledger.ledger import DashboardCounts, Ledger, UnknownOutcome
from tui.ledger.lists import ListSummary, Member
from tui.ledger.messages import MessageRecord, NewMessage
from tui.ledger.saved_templates import SavedTemplate
from tui.ledger.schema import CURRENT_VERSION
from tui.ledger.sendjobs import SendJobSummary, SendRow
from tui.ledger.tracking import InFlight, PollItem, StatusChange
from tui.ledger.unknown import UnknownSubmit
from tui.ledger.voice import VoiceCampaign, VoiceSnapshot

__all__ = [
    "CURRENT_VERSION",
    "AudioFile",
    "CallRecord",
    "DashboardCounts",
    "ImportBatch",
    "ImportSummary",
    "InFlight",
    "InboxMessage",
    "Ledger",
    "LedgerError",
    "ListSummary",
    "Member",
    "MessageRecord",
    "NewCall",
    "NewMessage",
    "PollItem",
    "QuarantineEntry",
    "RawReply",
    "RecipientStatus",
    "SavedTemplate",
    "SendJobSummary",
    "SendRow",
    "SmsCampaign",
    "StatusChange",
    "SubmitIntent",
    "UnknownOutcome",
    "UnknownSubmit",
    "VoiceCampaign",
    "VoiceSnapshot",
]
