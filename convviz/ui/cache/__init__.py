"""The cache layer: one module per lesson page, named like its page, holding every st.cache_data /
st.cache_resource wrapper of that lesson; caching.cached is the shared helper. restoration serves the denoising and
super-resolution pages (restoration_jobs: their long runs as background jobs)."""
