"""Small texts several test files share (written for these tests; no copied content).

A glossary entry and a second file whose variant conflicts with it (``glossary
check`` refuses the pair), and a short English news text damaged as the seeds
are (a break after "U.S.", a doubled word, a share button) with its repair.
"""

ERBIL = """\
[[term]]
id = "erbil"
canonical = "Erbil"
type = "place"
note = "Capital of the Kurdistan region of Iraq"
en = ["Irbil", "Arbil"]
ar = ["أربيل"]
"""
MOSUL = """\
[[term]]
id = "mosul"
canonical = "Mosul"
type = "place"
note = "City in northern Iraq"
en = ["Mossul"]
ar = ["الموصل"]
"""
# Claims a variant of erbil: a check of both files together refuses the pair.
CONFLICT = """\
[[term]]
id = "arbil-governorate"
canonical = "Arbil Governorate"
type = "place"
note = "The province around the city"
en = ["Arbil"]
ar = ["محافظة أربيل"]
"""

NEWS_EN = (
    "Rockets hit the base on Tuesday, officials said. Several U.S.\n\n"
    "diplomats and troops were in the compound.\n\n"
    "The Army Colonel Colonel spokesman said nobody was hurt.\n\n"
    "Share on Facebook\n"
)
NEWS_EN_CLEAN = (
    "Rockets hit the base on Tuesday, officials said. Several U.S. diplomats and troops were in the "
    "compound.\n\nThe Army Colonel spokesman said nobody was hurt."
)
