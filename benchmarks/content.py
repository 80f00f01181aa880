"""The page B1 reads: the same title and text on MissionPlace and on the stock Plone site.

B4's page has them too, made public for anonymous visitors; B6 reads B1's page on the cluster's site.
"""

PAGE_ID = "benchmark-page"
PUBLIC_PAGE_ID = "benchmark-public-page"
TITLE = "Programme of work of the Committee"
DESCRIPTION = "Draft programme of work for the session, as circulated to the Member States."
# Every page served must carry this sentence: a login form or an error page is not a success.
MARKER = "The Committee will hold its general debate"
PARAGRAPHS = [
    f"{MARKER} in the first week of the session, followed by thematic discussions on nuclear "
    "weapons, other weapons of mass destruction, outer space, conventional weapons, regional "
    "disarmament and security, and the disarmament machinery.",
    "Delegations wishing to speak in the general debate are invited to inscribe on the list of "
    "speakers through the e-Speakers module. Statements should not exceed seven minutes for "
    "delegations speaking in their national capacity and ten minutes for statements on behalf of "
    "groups of States.",
    "Draft resolutions and decisions are to be submitted to the Secretariat no later than the "
    "deadline announced by the Chair. Sponsors are encouraged to hold informal consultations "
    "early, so that the Committee can take action on all drafts during the final phase.",
    "The Secretariat will circulate the provisional programme of work and timetable, together "
    "with the status of documentation, before the organizational meeting. Member States are "
    "invited to send their comments to the secretary of the Committee.",
]
TEXT = "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS)
