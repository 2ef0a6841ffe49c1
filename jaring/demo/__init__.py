"""The demo: Jaring filled with the picture the seed news reports give (``jaring demo``).

The top layer: it may import every app, and no app imports it. :mod:`.builder` runs the steps
in layer order; :mod:`.users` makes one user of each role; each app's scenario is one module
named after the app (:mod:`.registry`: the lists of Kediri, Cilegon, Mojokerto, Pekalongan and
the Paritrana winners, imported and matched). Data comes from :mod:`jaring.synthetic`.
"""
