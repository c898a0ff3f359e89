"""Record linkage for people (Fellegi–Sunter): features, comparisons, weights, reasons.

Pure: no database, no framework.  ``services/identity`` loads people into ``Profile``
values, blocks them into candidate pairs and asks ``scoring`` for a probability and
the plain reasons behind it.
"""
