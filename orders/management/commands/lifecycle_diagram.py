from django.core.management.base import BaseCommand

from orders.lifecycle_diagram import lifecycle_mermaid


class Command(BaseCommand):
    help = "Print the ticket state machine as a Mermaid state diagram (docs/lifecycle.md embeds it)."

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        self.stdout.write(lifecycle_mermaid(), ending="")
