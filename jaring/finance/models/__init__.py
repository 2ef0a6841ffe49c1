"""Models of the finance app (see each module)."""

from jaring.finance.models.bills import (
    Allocation,
    Bill,
    BillLine,
    BillPackage,
    CorrectionReason,
    Holiday,
    HolidayKind,
    LineKind,
    Payment,
    PaymentKind,
)
from jaring.finance.models.enrolments import (
    BpjsStatus,
    BpjsTally,
    Enrolment,
    LapseTally,
    PaidTally,
    ReasonCode,
)
from jaring.finance.models.exchange import (
    DEFAULT_COLUMNS,
    RegistrationColumn,
    RegistrationField,
    RegistrationFile,
    RegistrationTemplate,
    ResponseFile,
    ResponseRow,
    RowOutcome,
)

__all__ = [
    "DEFAULT_COLUMNS",
    "Allocation",
    "Bill",
    "BillLine",
    "BillPackage",
    "BpjsStatus",
    "BpjsTally",
    "CorrectionReason",
    "Enrolment",
    "Holiday",
    "HolidayKind",
    "LapseTally",
    "LineKind",
    "PaidTally",
    "Payment",
    "PaymentKind",
    "ReasonCode",
    "RegistrationColumn",
    "RegistrationField",
    "RegistrationFile",
    "RegistrationTemplate",
    "ResponseFile",
    "ResponseRow",
    "RowOutcome",
]
