"""Demo data for the embedded set-up: users of every role, knowledge-base articles, weeks of tickets run
through the real services. Only `up --demo` (on an empty database) and `seed_demo` load it."""
