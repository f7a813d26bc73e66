from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

from citizens.choices import MessageStatus
from citizens.models import OutboundMessage
from config.demo.knowledge import demo_articles_load
from config.demo.tickets import demo_tickets_load
from config.demo.users import demo_users_load
from dispatch.services import category_model_train
from evaluation.services import periods_compute_due
from open311.models import ClientSystem
from open311.services import client_create
from orders.models import Ticket
from orders.partitions import event_partitions_ensure


class Command(BaseCommand):
    help = (
        "Create the demo users of every role and, on an empty database, weeks of demo tickets (idempotent)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--days", type=int, default=30)
        parser.add_argument("--per-day", type=int, default=45)
        parser.add_argument("--users-only", action="store_true")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        users = demo_users_load()
        self.stdout.write(
            self.style.SUCCESS(f"demo users: admin + {len(users)} (password {settings.DEMO_PASSWORD!r})")
        )
        if options["users_only"]:
            return
        editor = (
            User.objects.filter(memberships__role="dispatcher").exclude(username="hotline-system").first()
        )
        if editor is not None:
            self.stdout.write(f"knowledge base: {demo_articles_load(by=editor)} demo articles added")
        if Ticket.objects.exists():
            self.stdout.write("demo tickets: the database already has tickets; none added")
            return
        self.stdout.write(f"demo tickets: {options['days']} days, about {options['per_day']} a day ...")
        created = demo_tickets_load(
            days=options["days"], per_day=options["per_day"], progress=self.stdout.write
        )
        self.stdout.write(self.style.SUCCESS(f"demo tickets: {created} created"))
        # the demo's weeks of history are not news to anyone: their messages are not sent
        skipped = OutboundMessage.objects.filter(status=MessageStatus.PENDING).update(
            status=MessageStatus.SKIPPED, last_error="demo history"
        )
        self.stdout.write(f"messages to callers: {skipped} of the demo history marked not sent")
        made = event_partitions_ensure()  # the history's months (PostgreSQL; nothing on SQLite)
        if made:
            self.stdout.write(f"event partitions: {len(made)} months made for the demo history")
        if not ClientSystem.objects.exists():
            client, key = client_create(name="演示App", channel="app")
            self.stdout.write(f"Open311: client {client.name!r}, api_key {key} (/open311/v2/discovery.json)")
        for group, period in periods_compute_due().items():
            self.stdout.write(f"assessment: {group} {period} computed")
        learned = category_model_train()
        self.stdout.write(f"category suggestion: learned from {learned.examples} demo demands")
