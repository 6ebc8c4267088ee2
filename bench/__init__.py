"""Performance measurements of the app at county scale (issue 8); see bench/__main__.py."""
