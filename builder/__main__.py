"""`python -m builder` runs the `coursepack` command line."""

from builder.cli import cli

if __name__ == "__main__":
    cli(prog_name="coursepack")
