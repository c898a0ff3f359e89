"""The demo network: hand-written Japanese name and company data, and a pure generator.

``kinmyaku demo`` fills a database with a realistic personal network so that every
page, score and benchmark has something to show.  The data here is plain Python (no
download); readings are written by hand.  :mod:`.network` turns a seed into rows, and
``kinmyaku.services.demo`` writes them.
"""
