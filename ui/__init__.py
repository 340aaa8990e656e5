"""The Streamlit side of the dashboard: what every page shares (the store, the chosen plan,
area and month, cached reads), the blocks several pages draw, and the page of one question.

Kept out of ``pages/`` so that ``pages/`` holds pages only and the sidebar never lists a
helper. Nothing here computes a statistic: it reads through `pcp_data` and lays out.
"""
