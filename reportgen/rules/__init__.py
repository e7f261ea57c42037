"""The pure rules: Japanese fiscal years, numbers, rates and ratings, wording; the located problem every layer reports."""
