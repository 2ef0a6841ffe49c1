"""Reads of the finance app (see each module); callers restrict programmes to the user's
regions first (:func:`programmes_visible`)."""
