"""Writes of the finance app, one act per function (see each module).

- :mod:`.bills`: issuing bills and paid-ahead packages, corrections;
- :mod:`.payments`: recording payments and allocating them to bill lines;
- :mod:`.exchange`: the registration file out and the branch's response file in.
"""

from jaring.finance.errors import FinanceError
from jaring.finance.services.bills import bill_correct, bill_issue, due_date
from jaring.finance.services.payments import payment_record

__all__ = ["FinanceError", "bill_correct", "bill_issue", "due_date", "payment_record"]
