"""`faqbot eval`: labelled questions (data), scores (metrics), the run and its report."""
