"""Writes of the programmes app, one act per function (see each module).

- :mod:`.programmes`: programmes and their reference lists;
- :mod:`.drafting`: computing a decree version from the registry;
- :mod:`.review`: hand changes to a draft;
- :mod:`.signing`: signing (freezing) a version and the memberships it starts and ends;
- :mod:`.leaving`: a member who died (memberships cut, open drafts updated).
"""

from jaring.programmes.errors import ProgrammeError
from jaring.programmes.services.drafting import DraftSummary, decree_draft, draft_summary
from jaring.programmes.services.leaving import DeathEffects, memberships_end_on_death
from jaring.programmes.services.programmes import (
    CategorySpec,
    programme_create,
    programme_findings_of,
    programme_update,
    reference_list_create,
    terms_of,
)
from jaring.programmes.services.review import entry_add, entry_remove, entry_restore
from jaring.programmes.services.signing import decree_sign, issuer_of

__all__ = [
    "CategorySpec",
    "DeathEffects",
    "DraftSummary",
    "ProgrammeError",
    "decree_draft",
    "decree_sign",
    "draft_summary",
    "entry_add",
    "entry_remove",
    "entry_restore",
    "issuer_of",
    "memberships_end_on_death",
    "programme_create",
    "programme_findings_of",
    "programme_update",
    "reference_list_create",
    "terms_of",
]
