"""Reusable widgets."""

from tui.widgets.composer import MessageComposer
from tui.widgets.recipients import RecipientsBox

__all__ = ["MessageComposer", "RecipientsBox"]
