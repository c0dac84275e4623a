"""A project's codebook (themes). Editing comes later; here it is seeded and read."""
