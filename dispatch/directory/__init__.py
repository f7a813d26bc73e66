"""The directory: the bottom layer of the system (regions, units, memberships, categories, catalog).

It imports no other project code (checked by import-linter in CI); ``orders`` reads only this
sub-package of ``dispatch``.
"""
