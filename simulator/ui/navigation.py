"""The pages the app ships, in menu order: (script path relative to streamlit_app.py, title, icon, url).

The first page is the default and lives at the app's root URL. A link to a page may carry the query parameters
in LINK_PARAMS, each with the values it accepts (simulator/ui/signin_return.py keeps such a link through sign-in)."""

import re

PAGES: list[tuple[str, str, str, str]] = [
    ("simulator/ui/pages/practice.py", "Practice", ":material/record_voice_over:", "practice"),
    ("simulator/ui/pages/rewrite.py", "Rewrite", ":material/edit_note:", "rewrite"),
    ("simulator/ui/pages/review.py", "Review", ":material/history:", "review"),
    ("simulator/ui/pages/progress.py", "Progress", ":material/trending_up:", "progress"),
    ("simulator/ui/pages/question_bank.py", "Question bank", ":material/library_books:", "bank"),
    ("simulator/ui/pages/settings.py", "Settings", ":material/settings:", "settings"),
]

SESSION_PARAM = "session"  # ?session=<id>: the session a page shows (simulator/ui/resume.py)
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
LINK_PARAMS: dict[str, re.Pattern[str]] = {SESSION_PARAM: SESSION_ID}
