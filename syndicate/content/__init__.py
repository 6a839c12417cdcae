"""Article content: sanitizing HTML and normalising text before it is stored."""
