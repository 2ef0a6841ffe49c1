"""The files exchanged with the BPJS Ketenagakerjaan branch: the registration file out
(:mod:`.registration`) and the response file in, in stages (:mod:`.reading` the file,
:mod:`.checking` its rows, :mod:`.applying` them to the enrolments)."""
