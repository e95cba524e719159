"""The global sensitivity methods by name, apart from :mod:`~brinkmanship.analysis.global_sensitivity`: that
module imports SALib, and `brink sensitivity` checks ``--method`` before anything is loaded."""

METHODS = ("sobol", "morris")
