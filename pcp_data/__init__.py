"""pcp_data: the library behind the Police and Crime Plan performance dashboard.

Usable without Streamlit: the plan model, readers for each source format behind one import
entry point, the store, measures and statistics, chart builders and a command line
(``python -m pcp_data``).
"""

__version__ = "0.1.0"
