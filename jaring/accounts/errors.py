"""The one exception of user management: a code and its parameters, rendered at display time in
the reader's language (ADR 0009)."""

from __future__ import annotations

from collections.abc import Mapping

from jaring.core.messages import shown
from jaring.rules.messages import Message, gettext_noop

MESSAGES: Mapping[str, str] = {
    "NOT_ALLOWED": gettext_noop("Your role may not manage users."),
    "ROLE_ABOVE_YOURS": gettext_noop(
        "You may not give the role {role}: it may do more than yours."
    ),
    "ROLE_UNKNOWN": gettext_noop("Unknown role {role}; one of: {roles}."),
    "REGION_UNKNOWN": gettext_noop("Region {code} does not exist."),
    "REGION_OUT_OF_SCOPE": gettext_noop("Region {code} lies outside your regions."),
    "REGION_MISSING": gettext_noop("Give at least one region."),
    "USER_OUT_OF_SCOPE": gettext_noop("User {username} is not one you manage."),
    "USER_SELF": gettext_noop(
        "You may not change your own role, regions or access; ask another administrator."
    ),
    "USERNAME_INVALID": gettext_noop(
        "User name “{username}” is not valid: letters, digits and @ . + - _ only, at most 150."
    ),
    "USERNAME_TAKEN": gettext_noop("User name {username} is taken."),
    "USERNAME_TWICE": gettext_noop("User name {username} appears twice in the file."),
    "EMAIL_INVALID": gettext_noop("“{email}” is not an e-mail address."),
    "PHONE_INVALID": gettext_noop("“{phone}” is not a phone number."),
    "STATE_CHANGED": gettext_noop(
        "User {username} was changed by someone else meanwhile; open it again."
    ),
    "FILE_UNREADABLE": gettext_noop("The file cannot be read as a workbook ({reason})."),
    "FILE_COLUMNS": gettext_noop("The file lacks the columns {columns}."),
    "FILE_EMPTY": gettext_noop("The file has no users."),
    "FILE_REFUSED": gettext_noop(
        "No user was created: the list has {count} problem(s); correct them and upload it again."
    ),
    "ROW": gettext_noop("Row {row}: {problem}"),
}


def account_message(code: str, params: Mapping[str, object]) -> Message:
    return Message.of(MESSAGES[code], **params)


class AccountError(Exception):
    """Bad input or a change the acting user may not make; nothing was written. ``str()`` is the
    sentence in the active language; ``problems`` are several (the rows of a file)."""

    def __init__(self, code: str, /, *, problems: tuple[Message, ...] = (), **params: object):
        self.code, self.params, self.problems = code, params, problems
        super().__init__(code)

    @property
    def message(self) -> Message:
        return account_message(self.code, self.params)

    def __str__(self) -> str:
        return shown(self.message)
