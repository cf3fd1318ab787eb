"""The pages the app ships, in menu order: (script path relative to streamlit_app.py, title, icon, url)."""

PAGES: list[tuple[str, str, str, str]] = [
    ("simulator/ui/pages/practice.py", "Practice", "🎙️", "practice"),
    ("simulator/ui/pages/rewrite.py", "Rewrite", "✍️", "rewrite"),
    ("simulator/ui/pages/review.py", "Review", "🗂️", "review"),
    ("simulator/ui/pages/progress.py", "Progress", "📈", "progress"),
    ("simulator/ui/pages/question_bank.py", "Question bank", "📚", "bank"),
    ("simulator/ui/pages/settings.py", "Settings", "⚙️", "settings"),
]
