"""Streamlit pages. Each file in pages/ is a two-line script that calls a render() here."""
