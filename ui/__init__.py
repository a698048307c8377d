"""The Streamlit app (``uv run streamlit run ui/app.py``): a thin layer over ``engine``."""
