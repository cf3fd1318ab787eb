"""The pages the app ships, in menu order: (script path relative to streamlit_app.py, title, icon, url)."""

PAGES: list[tuple[str, str, str, str]] = [
    ("simulator/ui/pages/question_bank.py", "Question bank", "📚", "bank"),
]
