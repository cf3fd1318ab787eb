"""The pages the app ships, in menu order: (script path relative to streamlit_app.py, title, icon, url).

The first page is the default and lives at the app's root URL."""

PAGES: list[tuple[str, str, str, str]] = [
    ("simulator/ui/pages/practice.py", "Practice", ":material/record_voice_over:", "practice"),
    ("simulator/ui/pages/rewrite.py", "Rewrite", ":material/edit_note:", "rewrite"),
    ("simulator/ui/pages/review.py", "Review", ":material/history:", "review"),
    ("simulator/ui/pages/progress.py", "Progress", ":material/trending_up:", "progress"),
    ("simulator/ui/pages/question_bank.py", "Question bank", ":material/library_books:", "bank"),
    ("simulator/ui/pages/settings.py", "Settings", ":material/settings:", "settings"),
]
